// Command netctlmain is a stand-in for the chaos binary in the netctl
// image, for compose's Docker tests while cmd/chaos cannot be built: it
// runs `netctl ARGS` through [netctl.Main], the same code as `chaos netctl`.
package main

import (
	"fmt"
	"os"

	"github.com/chaos-election/chaos/compose/netctl"
)

func main() {
	if len(os.Args) < 2 || os.Args[1] != "netctl" {
		fmt.Fprintln(os.Stderr, "usage: "+netctl.Usage)
		os.Exit(2)
	}
	if err := netctl.Main(os.Args[2:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
