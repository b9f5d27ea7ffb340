package analytics

import (
	"reflect"
	"testing"
)

// customerValues is the rule part of Load: what counts towards a customer and its potential.
func TestCustomerValues(t *testing.T) {
	cases := []struct {
		name          string
		customers     []CustomerValue
		orders        []Order
		invoices      []Invoice
		want          []CustomerValue
		wantPotential map[int64]float64
	}{
		{"no customers", nil, []Order{{CustomerID: 9, Status: "open", Total: 5, At: 1}}, nil, nil, map[int64]float64{}},
		{"cancelled orders and unpaid invoices do not add value",
			[]CustomerValue{{ID: 1, Name: "A", HasContact: true}},
			[]Order{{1, "open", 100, 10, false}, {1, "cancelled", 700, 50, false}, {1, "won", 200, 20, false}},
			[]Invoice{{1, "paid", 300, 15, false}, {1, "sent", 999, 0, false}},
			[]CustomerValue{{ID: 1, Name: "A", HasContact: true, Orders: 2, Invoices: 2, Paid: 300, LastAt: 20}},
			map[int64]float64{1: 300}},
		{"latest paid invoice moves LastAt; unknown customers are left out; order kept",
			[]CustomerValue{{ID: 2, Name: "B"}, {ID: 1, Name: "A"}},
			[]Order{{2, "open", 50, 5, false}, {7, "open", 1000, 99, false}},
			[]Invoice{{2, "paid", 10, 40, false}, {1, "paid", 20, 30, false}, {7, "paid", 5000, 99, false}},
			[]CustomerValue{{ID: 2, Name: "B", Orders: 1, Invoices: 1, Paid: 10, LastAt: 40}, {ID: 1, Name: "A", Invoices: 1, Paid: 20, LastAt: 30}},
			map[int64]float64{2: 50}},
	}
	for _, c := range cases {
		got, potential := customerValues(c.customers, c.orders, c.invoices)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: values\n got %+v\nwant %+v", c.name, got, c.want)
		}
		if !reflect.DeepEqual(potential, c.wantPotential) {
			t.Errorf("%s: potential = %v, want %v", c.name, potential, c.wantPotential)
		}
	}
	in := []CustomerValue{{ID: 1}}
	customerValues(in, []Order{{1, "open", 1, 1, false}}, nil)
	if in[0].Orders != 0 {
		t.Error("customerValues changed its input")
	}
}
