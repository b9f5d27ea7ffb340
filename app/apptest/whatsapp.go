package apptest

import "fmt"

// WhatsAppText is a Cloud API webhook body, in the shape Meta documents, carrying one text
// message from one sender.
func WhatsAppText(from, wamid, text string) string {
	return fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":{"messaging_product":"whatsapp",
"metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
"contacts":[{"profile":{"name":"Murat Usta"},"wa_id":%q}],
"messages":[{"from":%q,"id":%q,"timestamp":"1735689600","type":"text","text":{"body":%q}}]},"field":"messages"}]}]}`, from, from, wamid, text)
}
