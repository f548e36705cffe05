package plan

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/chaos-election/chaos/targets"
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
