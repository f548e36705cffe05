package lease

// Reasons a lease candidate gives for losing leadership (its LostReason).
const (
	// ReasonRecordTaken: a lease-timestamp renewal found the record
	// rewritten by another (its compare-and-set was refused).
	ReasonRecordTaken = "lease record taken"
	// ReasonExpired: a lease-timestamp holder's own clock passed the
	// expires of its last successful write.
	ReasonExpired = "lease expired by own clock"
	// ReasonRenewDeadline: client-go's LeaderElector stopped leading, its
	// renewals having failed for RenewDeadline.
	ReasonRenewDeadline = "client-go: renew deadline passed"
	// ReasonRetaken: client-go took the lease again while it led (the
	// record had been released or taken under it), so the epoch moved and
	// the token its campaign returned is no longer its.
	ReasonRetaken = "client-go: lease taken again under a new token"
)
