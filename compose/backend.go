package compose

import (
	"fmt"
	"strings"
)

// Images of the backends. The compose files name the official images;
// when one is not present locally (no registry: it cannot be pulled), the
// local build of the same version is used.
const (
	// EtcdOfficialImage is the image the etcd compose file names.
	EtcdOfficialImage = "gcr.io/etcd-development/etcd:v3.6.16"
	// EtcdLocalImage is etcd compiled from its Go module by BuildImages
	// (no base layer, the official image's binary path).
	EtcdLocalImage = "chaos-local/etcd:v3.6.16"
	// ZooKeeperOfficialImage is the image the ZooKeeper compose file names.
	ZooKeeperOfficialImage = "zookeeper:3.8"
	// ZooKeeperLocalImage is ZooKeeper 3.8 and a JRE from Debian's packages
	// (debootstrap), with an entrypoint that reads the official image's
	// variables, built by BuildImages.
	ZooKeeperLocalImage = "chaos-local/zookeeper:3.8"
	// ConsulOfficialImage is the image the Consul compose file names.
	ConsulOfficialImage = "hashicorp/consul:1.22"
	// ConsulLocalImage is Consul compiled from its Go modules by
	// BuildImages (no base layer, /bin/consul as in the official image).
	ConsulLocalImage = "chaos-local/consul:1.22.7"
	// KubeAPIServerOfficialImage is the image of target kubernetes's API
	// servers, used when present locally.
	KubeAPIServerOfficialImage = "registry.k8s.io/kube-apiserver:v1.37.2"
	// KubeAPIServerLocalImage is kube-apiserver compiled from
	// k8s.io/kubernetes by BuildImages (no base layer, the official
	// image's binary path).
	KubeAPIServerLocalImage = "chaos-local/kube-apiserver:v1.37.2"
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

// targetKubernetes is the target of etcd members behind kube-apiservers.
const targetKubernetes = "kubernetes"

// apiServerImage is the kube-apiserver image, chosen as a backend's is.
var apiServerImage = backend{name: ImageKubeAPIServer, imageVar: "KUBE_APISERVER_IMAGE",
	officialImage: KubeAPIServerOfficialImage, localImage: KubeAPIServerLocalImage, clientPort: 6443}

// backends are the targets compose can bring up, in the order help lists
// them.
var backends = []backend{
	{
		name:          "etcd",
		template:      "files/etcd.compose.yaml.tmpl",
		imageVar:      "ETCD_IMAGE",
		officialImage: EtcdOfficialImage,
		localImage:    EtcdLocalImage,
		clientPort:    2379,
	},
	{
		name:          "zookeeper",
		template:      "files/zookeeper.compose.yaml.tmpl",
		imageVar:      "ZOOKEEPER_IMAGE",
		officialImage: ZooKeeperOfficialImage,
		localImage:    ZooKeeperLocalImage,
		clientPort:    2181,
	},
	{
		name:          "consul",
		template:      "files/consul.compose.yaml.tmpl",
		imageVar:      "CONSUL_IMAGE",
		officialImage: ConsulOfficialImage,
		localImage:    ConsulLocalImage,
		clientPort:    8500,
	},
	{
		// kubernetes is etcd's members with kube-apiservers in front
		// (Spec.APIServers): the same compose file, the same image.
		name:          targetKubernetes,
		template:      "files/etcd.compose.yaml.tmpl",
		imageVar:      "ETCD_IMAGE",
		officialImage: EtcdOfficialImage,
		localImage:    EtcdLocalImage,
		clientPort:    2379,
	},
}

// Targets lists the backends compose can bring up.
func Targets() []string {
	names := make([]string, len(backends))
	for i, b := range backends {
		names[i] = b.name
	}
	return names
}

func lookupBackend(target string) (backend, error) {
	for _, b := range backends {
		if b.name == target {
			return b, nil
		}
	}
	return backend{}, fmt.Errorf("unknown target %q (known: %s)", target, strings.Join(Targets(), ", "))
}
