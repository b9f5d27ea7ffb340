package fault_test

import (
	"errors"
	"fmt"
	"testing"

	"highvibe/app/fault"
)

type kinded struct{}

func (kinded) Error() string       { return "typed" }
func (kinded) Fault() *fault.Error { return fault.NotFound("x") }

func TestKindOf(t *testing.T) {
	cause := errors.New("disk")
	scenarios := []struct {
		name string
		err  error
		want fault.Kind
	}{
		{"nil", nil, fault.KindInternal},
		{"plain", errors.New("boom"), fault.KindInternal},
		{"not found", fault.NotFound("x"), fault.KindNotFound},
		{"wrapped conflict", fmt.Errorf("save: %w", fault.Conflict("x").Wrap(cause)), fault.KindConflict},
		{"faulter", fmt.Errorf("load: %w", kinded{}), fault.KindNotFound},
		{"sentinel", fmt.Errorf("load: %w", fault.Sentinel(fault.KindConflict, "k", "taken")), fault.KindConflict},
		{"fields", func() error { var f fault.Fields; f.Add("name", "k"); return f.Err() }(), fault.KindInvalid},
		{"rate limited", fault.RateLimited("x"), fault.KindRateLimited},
		{"unavailable", fault.Unavailable("x"), fault.KindUnavailable},
		{"forbidden", fault.Forbidden("x"), fault.KindForbidden},
	}
	for _, s := range scenarios {
		if got := fault.KindOf(s.err); got != s.want {
			t.Errorf("%s: KindOf = %v, want %v", s.name, got, s.want)
		}
	}
}

func TestFieldsFirstErrorWinsAndEmptyIsNil(t *testing.T) {
	var f fault.Fields
	if f.Err() != nil {
		t.Fatal("no fields must be no error")
	}
	f.Add("name", "first")
	f.Add("name", "second")
	f.Add("email", "third")
	e := fault.As(f.Err())
	if e == nil || len(e.Fields) != 2 || e.Fields[0].Key != "first" || e.Fields[1].Field != "email" {
		t.Fatalf("fields = %+v", e)
	}
}

func TestWrapKeepsCause(t *testing.T) {
	cause := errors.New("disk")
	err := fault.Conflict("k").Wrap(cause)
	if !errors.Is(err, cause) {
		t.Fatal("errors.Is must see the cause")
	}
	if got := fault.InvalidField("name", "k").Error(); got != "invalid name: k;" {
		t.Fatalf("Error() without a cause = %q", got)
	}
	if got := err.Error(); got != "disk" {
		t.Fatalf("Error() = %q", got)
	}
}
