package api

import (
	"os"
	"testing"
)

func TestDumpDoc(t *testing.T) {
	b, err := openAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile("/tmp/oa/doc.json", b, 0o644)
}
