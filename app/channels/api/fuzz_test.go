package api

import "testing"

func FuzzParseRows(f *testing.F) {
	f.Add("application/json", []byte(`[{"external_id":"C1","name":"Villa","total":12.5,"active":true,"x":null}]`))
	f.Add("application/json", []byte(`{"name":"Ayşe"}`))
	f.Add("text/csv", []byte("\ufeffname,phone\nAyşe,0532 111 22 33\n"))
	f.Add("text/csv", []byte("a,b\n1\n"))
	f.Add("application/json", []byte(`[1,{"a":{"b":1}}]`))
	f.Fuzz(func(t *testing.T, ctype string, b []byte) {
		rows, err := ParseRows(ctype, b)
		if err == nil && rows == nil {
			t.Fatal("nil rows without error")
		}
	})
}
