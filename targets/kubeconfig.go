package targets

import "fmt"

// Kubeconfig is a kubeconfig file as the run read it when it started
// (target kubernetes on a staging cluster): its content holds
// credentials, so it is never printed; Path is where it was read (the
// relative paths in it are resolved against its folder), Context the
// context to use ("" = its current-context).
type Kubeconfig struct {
	Path, Context string
	Data          []byte // secret
}

// String names the file and context, never the content.
func (k *Kubeconfig) String() string {
	if k == nil {
		return ""
	}
	if k.Context == "" {
		return k.Path
	}
	return fmt.Sprintf("%s (context %s)", k.Path, k.Context)
}

// GoString is String for %#v, which would otherwise print the content.
func (k *Kubeconfig) GoString() string { return fmt.Sprintf("&targets.Kubeconfig{%q}", k.String()) }
