package inbox

import (
	"database/sql/driver"

	"modernc.org/sqlite"
)

// hv_fold(text) is Fold as an SQL function, for lists that match names with LIKE (the leads list):
// SQLite's LIKE folds only ASCII letters, so "öztürk" did not find "Öztürk" and "istanbul" not
// "İstanbul". Registered with the driver once, before any database opens.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("hv_fold", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		s, ok := args[0].(string)
		if !ok {
			return "", nil
		}
		return Fold(s), nil
	})
}
