//go:build docker

package sweep

import (
	"os"
	"testing"

	"github.com/chaos-election/chaos/internal/chaosbin"
)

// chaosBin is the chaos binary the Docker tests run, built from this
// checkout. The tests use the images already on the machine (a run
// builds only those missing) and check only their own runs' containers.
var chaosBin string

func TestMain(m *testing.M) { os.Exit(chaosbin.Main(m, "chaos-sweep-test", &chaosBin)) }
