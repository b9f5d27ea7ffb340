package approvals

// WriteErr lets the external tests check how a failed write is worded.
var WriteErr = writeErr
