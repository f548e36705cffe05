package compose

import "fmt"

// Images of the etcd backend.
const (
	// EtcdOfficialImage is the image the compose file names by default.
	EtcdOfficialImage = "gcr.io/etcd-development/etcd:v3.6.16"
	// EtcdLocalImage is the equivalent image BuildImages compiles from
	// etcd's Go module (no base layer, same binary path).
	EtcdLocalImage = "chaos-local/etcd:v3.6.16"
	// NetctlImage is the sidecar image that cuts links (a static chaos
	// binary, no base layer), built by BuildImages.
	NetctlImage = "chaos-local/netctl:latest"
)

// backend is what compose knows about one election backend.
type backend struct {
	name          string
	template      string // file under files/
	imageVar      string // the variable the compose file's image line reads
	officialImage string
	localImage    string
	clientPort    int
}

func lookupBackend(target string) (backend, error) {
	switch target {
	case "etcd":
		return backend{
			name:          "etcd",
			template:      "files/etcd.compose.yaml.tmpl",
			imageVar:      "ETCD_IMAGE",
			officialImage: EtcdOfficialImage,
			localImage:    EtcdLocalImage,
			clientPort:    2379,
		}, nil
	}
	return backend{}, fmt.Errorf("unknown target %q (known: etcd)", target)
}
