package plan

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/kubernetes"
)

// fieldError is a PlanError for field, located where the plan set it.
func (p Plan) fieldError(field, format string, args ...any) *Error {
	e := &Error{Field: field, Msg: fmt.Sprintf(format, args...)}
	if o, ok := p.locate(field); ok {
		e.File, e.Line, e.Flag = o.file, o.line, o.flag
	}
	return e
}

// LoadAccess reads what the plan's external cluster needs to connect: the
// TLS files and the secrets, from the files and environment variables the
// plan names. A secret's value never leaves the Access: errors name the
// variable or the file, never what is in them.
func (p Plan) LoadAccess() (targets.Access, error) {
	var a targets.Access
	if p.Cluster != ClusterExternal {
		return a, nil
	}
	e := p.External
	if p.Target == TargetKubernetes {
		return p.loadKubeconfig()
	}
	var errs []error
	if t := e.TLS; t.CAFile != "" || t.CertFile != "" {
		cfg, err := targets.LoadTLS(t.CAFile, t.CertFile, t.KeyFile, t.ServerName)
		if err != nil {
			errs = append(errs, p.fieldError("external.tls", "%v", err))
		}
		a.TLS = cfg
	}
	a.Username = e.Auth.Username
	secret := func(name, env, file string, out *string) {
		switch {
		case env != "":
			v, ok := os.LookupEnv(env)
			if !ok || v == "" {
				errs = append(errs, p.fieldError("external.auth."+name+"_env", "the environment variable %s is not set (or empty)", env))
			}
			*out = v
		case file != "":
			b, err := os.ReadFile(file)
			if err != nil {
				errs = append(errs, p.fieldError("external.auth."+name+"_file", "%v", err))
				return
			}
			*out = strings.TrimRight(string(b), "\r\n")
			if *out == "" {
				errs = append(errs, p.fieldError("external.auth."+name+"_file", "%s is empty", file))
			}
		}
	}
	secret("password", e.Auth.PasswordEnv, e.Auth.PasswordFile, &a.Password)
	secret("token", e.Auth.TokenEnv, e.Auth.TokenFile, &a.Token)
	secret("digest", e.Auth.DigestEnv, e.Auth.DigestFile, &a.Digest)
	if a.Digest != "" && !strings.Contains(a.Digest, ":") {
		field := "external.auth.digest_env"
		if e.Auth.DigestFile != "" {
			field = "external.auth.digest_file"
		}
		errs = append(errs, p.fieldError(field, "a ZooKeeper digest is user:password; the value has no ':'"))
	}
	if err := errors.Join(errs...); err != nil {
		return targets.Access{}, err
	}
	return a, nil
}

// loadKubeconfig reads the staging Kubernetes cluster's kubeconfig and
// checks it as client-go reads it: its context, cluster and user. Errors
// name the file and the field, never what the file holds.
func (p Plan) loadKubeconfig() (targets.Access, error) {
	e := p.External
	path := e.Kubeconfig
	if rest, ok := strings.CutPrefix(path, "~/"); ok { // as a shell would
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, rest)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return targets.Access{}, p.fieldError("external.kubeconfig", "%v", err)
	}
	k := &targets.Kubeconfig{Path: path, Context: e.Context, Data: b}
	if err := kubernetes.CheckKubeconfig(k); err != nil {
		field := "external.kubeconfig"
		if errors.Is(err, kubernetes.ErrNoContext) {
			field = "external.context"
		}
		fe := p.fieldError(field, "%s: %v", e.Kubeconfig, err)
		fe.Err = err
		return targets.Access{}, fe
	}
	return targets.Access{Kubeconfig: k}, nil
}
