// Package kubernetes is target kubernetes: etcd members with
// kube-apiservers in front, and candidates that elect exactly as
// Kubernetes controllers do, with client-go's leaderelection.LeaderElector
// on a resourcelock.LeaseLock (a coordination.k8s.io/v1 Lease).
//
// client-go does not fence. The token a candidate gets is the
// resourceVersion of the write that made it the holder (the API server's
// etcd revision: strictly greater for every later write, so for every
// later holder). The Lease's leaseTransitions would not do: client-go
// leaves it, and the acquireTime, as they were when a process takes the
// Lease again while the Lease still names it (an elector that lost and
// campaigns anew). So that the observer and the fence can tell such
// tenures apart, each campaign sets LeaseLock's own Labels field to a
// tenure label (TenureLabel) that all its writes carry. Resource backend
// fences through the API server: a write is an update of the Lease
// itself (an annotation) at the resourceVersion just read, made only
// while that Lease names this process with the label of the tenure the
// token began; a Lease that moved in between refuses the update (409
// Conflict) and the write reads and judges again.
//
// The Target is made before the cluster exists; Connect gives it the API
// servers and their credentials once they are up. Probe and Leads are
// etcd's, on the members. On a staging cluster (Options.Kubeconfig) it
// reads the kubeconfig as client-go does (clientcmd), probes the API
// server's /readyz, and is Namespaced over its namespace's Leases.
package kubernetes
