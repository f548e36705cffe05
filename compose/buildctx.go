package compose

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"
)

// tarFile is one file of a build context: its bytes, or the file at path.
type tarFile struct {
	Name string
	Mode int64
	Data []byte
	Path string
}

// writeTar writes files as a tar stream (a docker build context).
func writeTar(w io.Writer, files []tarFile) error {
	tw := tar.NewWriter(w)
	for _, f := range files {
		var r io.Reader
		size := int64(len(f.Data))
		if f.Path != "" {
			fh, err := os.Open(f.Path)
			if err != nil {
				return err
			}
			defer fh.Close()
			st, err := fh.Stat()
			if err != nil {
				return err
			}
			r, size = fh, st.Size()
		} else {
			r = strings.NewReader(string(f.Data))
		}
		if err := tw.WriteHeader(&tar.Header{Name: f.Name, Mode: f.Mode, Size: size, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		if _, err := io.Copy(tw, r); err != nil {
			return fmt.Errorf("add %s to build context: %w", f.Name, err)
		}
	}
	return tw.Close()
}

// dockerBuild builds ref from files (with a Dockerfile among them) with
// the classic builder, never pulling, and labels it with hash.
func dockerBuild(ctx context.Context, api buildAPI, ref, hash string, files []tarFile, out io.Writer) error {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeTar(pw, files)) }()
	defer pr.Close()
	resp, err := api.ImageBuild(ctx, pr, client.ImageBuildOptions{
		Tags:        []string{ref},
		Labels:      map[string]string{LabelContentHash: hash, LabelProject: ProjectValue},
		Dockerfile:  "Dockerfile",
		Remove:      true,
		ForceRemove: true,
		PullParent:  false, // FROM scratch: nothing to pull, and nothing may be
		Version:     build.BuilderV1,
	})
	if err != nil {
		return fmt.Errorf("build %s: %w", ref, err)
	}
	defer resp.Body.Close()
	if err := readBuildStream(resp.Body, out); err != nil {
		return fmt.Errorf("build %s: %w", ref, err)
	}
	return nil
}

// readBuildStream copies a build's progress to out and returns the error
// the stream reports, if any.
func readBuildStream(r io.Reader, out io.Writer) error {
	dec := json.NewDecoder(r)
	for {
		var m struct {
			Stream      string `json:"stream"`
			Status      string `json:"status"`
			Error       string `json:"error"`
			ErrorDetail *struct {
				Message string `json:"message"`
			} `json:"errorDetail"`
		}
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read build output: %w", err)
		}
		if m.ErrorDetail != nil && m.ErrorDetail.Message != "" {
			return errors.New(strings.TrimSpace(m.ErrorDetail.Message))
		}
		if m.Error != "" {
			return errors.New(strings.TrimSpace(m.Error))
		}
		if m.Stream != "" {
			_, _ = io.WriteString(out, m.Stream)
		} else if m.Status != "" {
			_, _ = io.WriteString(out, m.Status+"\n")
		}
	}
}

// hashParts hashes named parts in order (name and length delimit them).

func hashParts(parts ...[2]string) string {
	s := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(s, "%s\x00%d\x00", p[0], len(p[1]))
		_, _ = io.WriteString(s, p[1])
	}
	return "sha256:" + hex.EncodeToString(s.Sum(nil))
}

// hashFile is the sha256 of a file's content.
func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	s := sha256.New()
	if _, err := io.Copy(s, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(s.Sum(nil)), nil
}
