package netctl

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// Names of the nftables objects of the proxy's redirect: a table of its
// own, apart from the drop table, so that each is replaced or deleted
// without touching the other.
const (
	RedirectTable = "chaosnat"
	RedirectChain = "prerouting"
	RedirectSet   = "peers4"
)

// Redirect is the nftables state that sends every TCP connection from
// the node's peers (any port) to the agent's proxy: a table "ip chaosnat",
// a nat prerouting chain at dstnat priority, a set of the peers'
// addresses and one rule `ip saddr @peers4 meta l4proto tcp counter
// redirect to :PORT`. The proxy reads each connection's original
// destination (SO_ORIGINAL_DST) and forwards to it. The harness (the
// bridge gateway) is not a peer, so its connections reach the node
// directly.
type Redirect struct {
	Table    *nftables.Table
	Chain    *nftables.Chain
	Set      *nftables.Set
	Elements []nftables.SetElement
	Rule     *nftables.Rule
}

// BuildRedirect returns the redirect of TCP from peers to port. It is
// pure: nothing is sent to the kernel. peers must be IPv4 addresses, at
// least one, and port not 0.
func BuildRedirect(peers []netip.Addr, port uint16) (Redirect, error) {
	peers = normalize(peers)
	if len(peers) == 0 {
		return Redirect{}, errors.New("build redirect: no peers")
	}
	if port == 0 {
		return Redirect{}, errors.New("build redirect: port 0")
	}
	table := &nftables.Table{Family: nftables.TableFamilyIPv4, Name: RedirectTable}
	chain := &nftables.Chain{
		Name:     RedirectChain,
		Table:    table,
		Type:     nftables.ChainTypeNAT,
		Hooknum:  nftables.ChainHookPrerouting,
		Priority: nftables.ChainPriorityNATDest,
	}
	set := &nftables.Set{Table: table, Name: RedirectSet, ID: 1, KeyType: nftables.TypeIPAddr}
	elems := make([]nftables.SetElement, 0, len(peers))
	for _, a := range peers {
		if !a.Is4() {
			return Redirect{}, fmt.Errorf("build redirect: peer %s is not an IPv4 address", a)
		}
		b := a.As4()
		elems = append(elems, nftables.SetElement{Key: b[:]})
	}
	rule := &nftables.Rule{
		Table: table,
		Chain: chain,
		Exprs: []expr.Any{
			// ip saddr @peers4
			&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 12, Len: 4},
			&expr.Lookup{SourceRegister: 1, SetName: set.Name, SetID: set.ID},
			// meta l4proto tcp
			&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.IPPROTO_TCP}},
			&expr.Counter{},
			// redirect to :port
			&expr.Immediate{Register: 1, Data: binaryutil.BigEndian.PutUint16(port)},
			&expr.Redir{RegisterProtoMin: 1},
		},
	}
	return Redirect{Table: table, Chain: chain, Set: set, Elements: elems, Rule: rule}, nil
}

// add queues r on c as a replacement of the table (add, delete, add: the
// kernel applies a batch as one transaction, whether or not the table
// was there).
func (r Redirect) add(c *nftables.Conn) error {
	c.AddTable(r.Table)
	c.DelTable(r.Table)
	c.AddTable(r.Table)
	c.AddChain(r.Chain)
	if err := c.AddSet(r.Set, r.Elements); err != nil {
		return fmt.Errorf("redirect set: %w", err)
	}
	c.AddRule(r.Rule)
	return nil
}

// InstallRedirect sends every TCP connection from peers to port, in the
// namespace opts select (default: the caller's), replacing any redirect
// installed before, atomically. Connections already tracked by conntrack
// keep going where they went: install it before the node starts.
func InstallRedirect(peers []netip.Addr, port uint16, opts ...nftables.ConnOption) error {
	r, err := BuildRedirect(peers, port)
	if err != nil {
		return err
	}
	c, err := nftables.New(opts...)
	if err != nil {
		return fmt.Errorf("nftables: %w", err)
	}
	if err := r.add(c); err != nil {
		return err
	}
	if err := c.Flush(); err != nil {
		return fmt.Errorf("install redirect of %s to port %d: %w", FormatAddrs(peers), port, err)
	}
	return nil
}

// RemoveRedirect deletes the redirect table; new connections from the
// peers reach the node directly afterwards. Removing it where it is not
// is no error.
func RemoveRedirect(opts ...nftables.ConnOption) error {
	c, err := nftables.New(opts...)
	if err != nil {
		return fmt.Errorf("nftables: %w", err)
	}
	t := &nftables.Table{Family: nftables.TableFamilyIPv4, Name: RedirectTable}
	c.AddTable(t)
	c.DelTable(t)
	if err := c.Flush(); err != nil {
		return fmt.Errorf("remove redirect: %w", err)
	}
	return nil
}

// probeRedirect asks the kernel to accept a redirect (nat chains, the
// redir expression) without keeping it: a table of its own added and
// deleted in one transaction.
func probeRedirect(opts ...nftables.ConnOption) error {
	r, err := BuildRedirect([]netip.Addr{netip.AddrFrom4([4]byte{192, 0, 2, 1})}, 9)
	if err != nil {
		return err
	}
	r.Table.Name = RedirectTable + "probe"
	c, err := nftables.New(opts...)
	if err != nil {
		return fmt.Errorf("nftables: %w", err)
	}
	if err := r.add(c); err != nil {
		return err
	}
	c.DelTable(r.Table)
	if err := c.Flush(); err != nil {
		return fmt.Errorf("nftables nat redirect: %w", err)
	}
	return nil
}
