package compose

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"sort"
	"time"

	"github.com/moby/moby/client"
)

// copyAPI is what filling the API servers' containers needs of the
// Engine API, beyond engine.
type copyAPI interface {
	CopyToContainer(ctx context.Context, id string, opts client.CopyToContainerOptions) (client.CopyToContainerResult, error)
}

// APIServers returns target kubernetes's API servers (none for the other
// targets): name "api1", ..., ClientAddr "IP:6443".
func (c *Cluster) APIServers() []Node { return slices.Clone(c.servers) }

// APIServerNames are the API servers' names ("api1", ...), which Pause,
// Unpause, Kill and Start take beside the nodes'.
func (c *Cluster) APIServerNames() []string {
	names := make([]string, len(c.servers))
	for i, s := range c.servers {
		names[i] = s.Name
	}
	return names
}

// KubeCredentials returns what a client of the API servers needs (zero
// for the other targets).
func (c *Cluster) KubeCredentials() KubeCredentials { return c.kube }

// startAPIServers creates target kubernetes's API servers from their
// plans, once the etcd members are healthy: each gets the run's fresh
// credentials written into its container before it starts, and is
// waited for until its /readyz answers ok with the run's token.
func (c *Cluster) startAPIServers(ctx context.Context, servers []containerPlan) error {
	if len(servers) == 0 {
		return nil
	}
	cp, ok := c.api.(copyAPI)
	if !ok {
		return errors.New("API servers: the engine client cannot copy files into containers")
	}
	choice, err := chooseImage(ctx, c.api, apiServerImage, "")
	if err != nil {
		return err
	}
	logImage(c.log, choice)
	var names, ips []string
	for _, s := range servers {
		names, ips = append(names, s.Node), append(ips, s.IP.String())
	}
	files, creds, err := NewKubeCredentials(names, ips)
	if err != nil {
		return fmt.Errorf("API servers: %w", err)
	}
	c.kube = creds
	archive, err := kubeArchive(files)
	if err != nil {
		return fmt.Errorf("API servers: %w", err)
	}
	for _, s := range servers {
		s.Config.Image = choice.Ref
		cctx, cancel := createContext(ctx)
		created, err := c.api.ContainerCreate(cctx, client.ContainerCreateOptions{
			Config: s.Config, HostConfig: s.Host, NetworkingConfig: s.Net, Name: s.Name,
		})
		cancel()
		if err != nil {
			return fmt.Errorf("create %s: %w", s.Name, err)
		}
		n := Node{Name: s.Node, ContainerID: created.ID, IP: s.IP.String(),
			ClientAddr: netip.AddrPortFrom(s.IP, uint16(apiServerImage.clientPort)).String()}
		c.servers = append(c.servers, n)
		if _, err := cp.CopyToContainer(ctx, created.ID, client.CopyToContainerOptions{
			DestinationPath: "/", Content: bytes.NewReader(archive),
		}); err != nil {
			return fmt.Errorf("write the credentials into %s: %w", s.Name, err)
		}
		if _, err := c.api.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
			return fmt.Errorf("start %s: %w", s.Name, err)
		}
	}
	start := time.Now()
	hctx, cancel := context.WithTimeout(ctx, c.spec.HealthTimeout)
	defer cancel()
	for _, n := range c.servers {
		if err := waitReady(hctx, n, creds); err != nil {
			return err
		}
	}
	c.log.Info("API servers ready", "servers", len(c.servers), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// kubeArchive is files under kubeDir as the tar stream CopyToContainer
// takes; the keys are readable by their owner only.
func kubeArchive(files KubeFiles) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: kubeDir[1:] + "/", Mode: 0o700, Typeflag: tar.TypeDir}); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		data := files[name]
		if err := tw.WriteHeader(&tar.Header{Name: kubeDir[1:] + "/" + name, Mode: 0o600, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// waitReady polls n's /readyz with creds until it answers 200.
func waitReady(ctx context.Context, n Node, creds KubeCredentials) error {
	hc, err := kubeHTTPClient(creds)
	if err != nil {
		return err
	}
	defer hc.CloseIdleConnections()
	last := errors.New("not probed yet")
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+n.ClientAddr+"/readyz", nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+creds.Token)
		if resp, err := hc.Do(req); err != nil {
			last = err
		} else {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Errorf("/readyz: %s", resp.Status)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("API server %s at %s not ready: %w (%w)", n.Name, n.ClientAddr, last, ctx.Err())
		case <-time.After(healthInterval):
		}
	}
}

// kubeHTTPClient trusts only the API servers' own certificate.
func kubeHTTPClient(creds KubeCredentials) (*http.Client, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(creds.CA) {
		return nil, errors.New("API servers: no certificate in the credentials")
	}
	return &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
	}}, nil
}
