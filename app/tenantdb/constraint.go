package tenantdb

import (
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Constraint names the kind of SQLite constraint a write broke. Stores turn it into a fault
// (a duplicate name is a conflict, a trigger refusing to change a decided row is a conflict) by
// the extended result code SQLite reports, never by the text of the message, which SQLite may
// reword and a trigger author may change.
type Constraint int

// The constraints stores tell apart.
const (
	NoConstraint         Constraint = iota // err is not a constraint violation
	ConstraintUnique                       // SQLITE_CONSTRAINT_UNIQUE or _PRIMARYKEY: a duplicate
	ConstraintTrigger                      // SQLITE_CONSTRAINT_TRIGGER: RAISE(ABORT, …) in a trigger (immutable or append-only rows)
	ConstraintForeignKey                   // SQLITE_CONSTRAINT_FOREIGNKEY
	ConstraintCheck                        // SQLITE_CONSTRAINT_CHECK
	ConstraintNotNull                      // SQLITE_CONSTRAINT_NOTNULL
	ConstraintOther                        // another SQLITE_CONSTRAINT_* code
)

// ConstraintOf reports which constraint err (or an error it wraps) broke. The driver opens
// every connection with extended result codes on, so the code tells UNIQUE from TRIGGER.
func ConstraintOf(err error) Constraint {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return NoConstraint
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return ConstraintUnique
	case sqlite3.SQLITE_CONSTRAINT_TRIGGER:
		return ConstraintTrigger
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return ConstraintForeignKey
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		return ConstraintCheck
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return ConstraintNotNull
	}
	if se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT {
		return ConstraintOther
	}
	return NoConstraint
}

// IsUnique reports whether err is a UNIQUE (or PRIMARY KEY) violation: the row already exists.
func IsUnique(err error) bool { return ConstraintOf(err) == ConstraintUnique }

// IsTrigger reports whether err is a trigger's RAISE(ABORT): the row may not change.
func IsTrigger(err error) bool { return ConstraintOf(err) == ConstraintTrigger }
