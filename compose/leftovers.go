package compose

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/moby/moby/client"
)

// Leftover is a container or network chaos created that still exists.
type Leftover struct {
	Kind    string // "container" or "network"
	Name    string
	Run     string // its io.chaos.run label
	Role    string // a container's io.chaos.role label: "node", "netagent" ("" for a network)
	Created time.Time
}

func (l Leftover) String() string {
	role := ""
	if l.Role != "" {
		role = l.Role + ", "
	}
	return fmt.Sprintf("%s %s (%srun %s, created %s)", l.Kind, l.Name, role, l.Run, l.Created.Format(time.TimeOnly))
}

// Leftovers lists the containers and networks labelled with runID, or with
// the project label when runID is "", oldest first. After a Down it should
// be empty: tests use it to prove that nothing outlives a run.
func Leftovers(ctx context.Context, api interface {
	containerAPI
	networkAPI
}, runID string) ([]Leftover, error) {
	f := projectFilter()
	if runID != "" {
		f = runFilter(runID)
	}
	cs, err := api.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	ns, err := api.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list networks: %w", err)
	}
	var out []Leftover
	for _, c := range cs.Items {
		name := strings.TrimPrefix(strings.Join(c.Names, ","), "/")
		out = append(out, Leftover{Kind: "container", Name: name, Run: c.Labels[LabelRun], Role: c.Labels[LabelRole], Created: time.Unix(c.Created, 0)})
	}
	for _, n := range ns.Items {
		out = append(out, Leftover{Kind: "network", Name: n.Name, Run: n.Labels[LabelRun], Created: n.Created})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, nil
}
