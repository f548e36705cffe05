package compose

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/moby/moby/client"
)

// DefaultDebianMirror is where debootstrap fetches Debian's packages.
const DefaultDebianMirror = "http://deb.debian.org/debian"

// ZooKeeper's root file system: Debian bookworm's minimal base with the
// ZooKeeper 3.8 library and a headless JRE (456 MB; the `zookeeper`
// package would pull in a desktop JRE and double that).
var (
	zkSuite    = "bookworm"
	zkPackages = []string{"libzookeeper-java", "openjdk-17-jre-headless"}
)

// zkChanges are the image settings given to the import, as in a
// Dockerfile: those of the official image that its compose file relies on.
var zkChanges = []string{
	"ENV ZOO_CONF_DIR=/conf ZOO_DATA_DIR=/data ZOO_DATA_LOG_DIR=/datalog ZOO_LOG_DIR=/logs",
	"ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"WORKDIR /",
	"EXPOSE 2181 2888 3888",
	`ENTRYPOINT ["/docker-entrypoint.sh"]`,
	`CMD ["zkServer.sh", "start-foreground"]`,
}

// zkScripts are the embedded scripts copied into the root file system.
var zkScripts = [][2]string{
	{"images/zookeeper/docker-entrypoint.sh", "docker-entrypoint.sh"},
	{"images/zookeeper/zkServer.sh", "usr/local/bin/zkServer.sh"},
}

// buildZooKeeper builds ZooKeeperLocalImage: debootstrap makes a root file
// system from Debian's packages, the entrypoint scripts go in, and the
// tree is imported as an image (no base image is pulled).
func buildZooKeeper(ctx context.Context, api buildAPI, opts BuildOptions, arch string) error {
	hash, scripts, err := zkInputs(arch, opts.DebianMirror)
	if err != nil {
		return err
	}
	return ensureImage(ctx, api, opts, ZooKeeperLocalImage, hash, func() error {
		rootfs := filepath.Join(opts.CacheDir, "zookeeper", "rootfs")
		defer os.RemoveAll(rootfs) // the image holds it now; 456 MB
		if err := debootstrap(ctx, opts, arch, rootfs); err != nil {
			return err
		}
		for _, s := range zkScripts {
			dst := filepath.Join(rootfs, s[1])
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return fmt.Errorf("zookeeper image: %w", err)
			}
			if err := os.WriteFile(dst, scripts[s[1]], 0o755); err != nil {
				return fmt.Errorf("zookeeper image: %w", err)
			}
		}
		for _, d := range []string{"conf", "data", "datalog", "logs"} {
			if err := os.MkdirAll(filepath.Join(rootfs, d), 0o755); err != nil {
				return fmt.Errorf("zookeeper image: %w", err)
			}
		}
		return importRootfs(ctx, api, opts, rootfs, ZooKeeperLocalImage, hash)
	})
}

// zkInputs returns the hash of everything the ZooKeeper image is made
// from and the scripts by their path in the image.
func zkInputs(arch, mirror string) (string, map[string][]byte, error) {
	parts := [][2]string{
		{"target", "linux/" + arch}, {"suite", zkSuite}, {"mirror", mirror},
		{"packages", strings.Join(zkPackages, ",")}, {"changes", strings.Join(zkChanges, "\n")},
	}
	scripts := map[string][]byte{}
	for _, s := range zkScripts {
		b, err := imageFiles.ReadFile(s[0])
		if err != nil {
			return "", nil, fmt.Errorf("zookeeper image: %w", err)
		}
		scripts[s[1]] = b
		parts = append(parts, [2]string{s[1], string(b)})
	}
	return hashParts(parts...), scripts, nil
}

// debootstrap makes Debian's minimal base with zkPackages in rootfs and
// drops the package cache.
func debootstrap(ctx context.Context, opts BuildOptions, arch, rootfs string) error {
	cmd, err := exec.LookPath(opts.Debootstrap)
	if err != nil && opts.Debootstrap == "debootstrap" {
		cmd, err = exec.LookPath("/usr/sbin/debootstrap") // not on a user's PATH
	}
	if err != nil {
		return fmt.Errorf("zookeeper image: %q is not on PATH; it makes the image from Debian's packages: "+
			"install it (apt-get install debootstrap) or build only the other images (--image etcd,consul,netctl): %w",
			opts.Debootstrap, err)
	}
	if geteuid() != 0 {
		return fmt.Errorf("zookeeper image: debootstrap must run as root (it creates device files and changes owners); " +
			"run `chaos images build` as root, or with sudo")
	}
	if err := os.RemoveAll(rootfs); err != nil {
		return fmt.Errorf("zookeeper image: remove an earlier root file system: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(rootfs), 0o755); err != nil {
		return fmt.Errorf("zookeeper image: %w", err)
	}
	opts.Log.Info("making the ZooKeeper root file system from Debian's packages (about 3 minutes the first time)",
		"dir", rootfs, "suite", zkSuite, "mirror", opts.DebianMirror)
	args := []string{"--variant=minbase", "--arch=" + arch, "--include=" + strings.Join(zkPackages, ","),
		zkSuite, rootfs, opts.DebianMirror}
	if err := runLogged(ctx, opts, cmd, args...); err != nil {
		return fmt.Errorf("zookeeper image: debootstrap: %w", err)
	}
	// What `apt-get clean` does, without running anything in the tree.
	for _, pattern := range []string{"var/cache/apt/archives/*.deb", "var/cache/apt/*.bin", "var/lib/apt/lists/*_Packages"} {
		matches, _ := filepath.Glob(filepath.Join(rootfs, pattern))
		for _, m := range matches {
			if err := os.Remove(m); err != nil {
				return fmt.Errorf("zookeeper image: drop the package cache: %w", err)
			}
		}
	}
	return nil
}

// geteuid is os.Geteuid; tests replace it.
var geteuid = os.Geteuid

// importRootfs imports the tree at rootfs as ref, labelled with hash.
func importRootfs(ctx context.Context, api buildAPI, opts BuildOptions, rootfs, ref, hash string) error {
	tar := exec.CommandContext(ctx, "tar", "--numeric-owner", "--xattrs", "-C", rootfs, "-c", ".")
	var stderr bytes.Buffer
	tar.Stderr = &stderr
	out, err := tar.StdoutPipe()
	if err != nil {
		return fmt.Errorf("import %s: %w", ref, err)
	}
	if err := tar.Start(); err != nil {
		return fmt.Errorf("import %s: start tar: %w", ref, err)
	}
	changes := append(append([]string{}, zkChanges...),
		fmt.Sprintf("LABEL %s=%s %s=%s", LabelContentHash, hash, LabelProject, ProjectValue))
	resp, err := api.ImageImport(ctx, client.ImageImportSource{Source: out, SourceName: "-"}, ref,
		client.ImageImportOptions{Changes: changes, Message: "chaos images build: Debian " + zkSuite + " + " + strings.Join(zkPackages, ", ")})
	if err != nil {
		_ = tar.Process.Kill()
		_ = tar.Wait()
		return fmt.Errorf("import %s: %w", ref, err)
	}
	rerr := readBuildStream(resp, opts.Output)
	resp.Close()
	if werr := tar.Wait(); werr != nil {
		return fmt.Errorf("import %s: tar: %w: %s", ref, werr, strings.TrimSpace(stderr.String()))
	}
	if rerr != nil {
		return fmt.Errorf("import %s: %w", ref, rerr)
	}
	return nil
}

// runLogged runs a command with its output sent to opts.Output; an error
// carries the output's last lines.
func runLogged(ctx context.Context, opts BuildOptions, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	var tail bytes.Buffer
	cmd.Stdout = io.MultiWriter(opts.Output, &tail)
	cmd.Stderr = io.MultiWriter(opts.Output, &tail)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w\n%s", name, err, lastLines(tail.String(), 20))
	}
	return nil
}
