//go:build !nokube

package kubernetes

import (
	"context"
	"fmt"
	"sort"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	coordinationv1 "k8s.io/client-go/kubernetes/typed/coordination/v1"

	"github.com/chaos-election/chaos/targets"
)

// leasesClient is the Leases of the namespace, through the first API
// server.
func (t *Target) leasesClient() (coordinationv1.LeaseInterface, error) {
	cs, _, err := t.firstClientset()
	if err != nil {
		return nil, err
	}
	return cs.CoordinationV1().Leases(t.opts.Namespace), nil
}

// Existing lists up to limit Leases of the namespace ("lease/NAME",
// sorted; limit <= 0: all). A namespace that does not exist is an error:
// chaos does not create one (on a staging cluster that is an
// administrator's call, and its RBAC may grant chaos only this one).
func (t *Target) Existing(ctx context.Context, _ []targets.Endpoint, limit int) ([]string, error) {
	leases, err := t.leasesClient()
	if err != nil {
		return nil, err
	}
	list, err := leases.List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, t.namespaceError(ctx, err)
	}
	var names []string
	for _, l := range list.Items {
		names = append(names, "lease/"+l.Name)
	}
	sort.Strings(names)
	if limit > 0 && len(names) > limit {
		names = names[:limit]
	}
	return names, nil
}

// namespaceError says a missing namespace in plain words.
func (t *Target) namespaceError(ctx context.Context, err error) error {
	if cs, _, cerr := t.firstClientset(); cerr == nil {
		if _, nerr := cs.CoreV1().Namespaces().Get(ctx, t.opts.Namespace, metav1.GetOptions{}); apierrors.IsNotFound(nerr) {
			return fmt.Errorf("the namespace %s does not exist: create it first (kubectl create namespace %s); chaos runs in it and leaves it", t.opts.Namespace, t.opts.Namespace)
		}
	}
	return fmt.Errorf("list the Leases of namespace %s: %w", t.opts.Namespace, err)
}

// Clean deletes every Lease of the namespace and returns how many.
func (t *Target) Clean(ctx context.Context, eps []targets.Endpoint) (int, error) {
	leases, err := t.leasesClient()
	if err != nil {
		return 0, err
	}
	list, err := leases.List(ctx, metav1.ListOptions{})
	if err != nil {
		return 0, fmt.Errorf("list the Leases of namespace %s: %w", t.opts.Namespace, err)
	}
	n := 0
	for _, l := range list.Items {
		if err := leases.Delete(ctx, l.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return n, fmt.Errorf("delete Lease %s/%s: %w", t.opts.Namespace, l.Name, err)
		}
		n++
	}
	return n, nil
}
