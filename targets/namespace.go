package targets

// Namespace is a target's key root: the root every key of the target lives
// under (the one given, or the backend's default) and whether it was
// given. Backends embed it in their Target; its Root is that of
// [Namespaced]. Derive the backend's keys from Root when they are not
// given, and check them with ValidateRoot.
type Namespace struct {
	root  string
	given bool
}

// NewNamespace returns the namespace of root, or of def when root is "".
func NewNamespace(root, def string) Namespace {
	if root == "" {
		return Namespace{root: def}
	}
	return Namespace{root: root, given: true}
}

// Root returns the root every key of the target lives under.
func (n Namespace) Root() string { return n.root }

// RegisterPrefix returns the prefix of the register workload's keys:
// Root+"/register/".
func (n Namespace) RegisterPrefix() string { return n.root + "/register/" }

// LeaseRecordKey is the key (znode) of the lease recipes' record:
// Root+"/lease/record".
func (n Namespace) LeaseRecordKey() string { return n.root + "/lease/record" }

// LeaseEpochKey is the key (znode) whose backend-numbered version is the
// lease recipes' fencing token: Root+"/lease/epoch".
func (n Namespace) LeaseEpochKey() string { return n.root + "/lease/epoch" }

// ValidateRoot checks the root with check, the backend's rules for a root,
// and, when the root was given and passes them, that each named key lies
// below it (a key the backend derived from the root always does). names
// and keys go in pairs, as for [KeysUnder].
func (n Namespace) ValidateRoot(backend string, check func(root string) error, named ...[2]string) []error {
	if err := check(n.root); err != nil {
		return []error{err}
	}
	if !n.given {
		return nil
	}
	return KeysUnder(backend, n.root, named...)
}
