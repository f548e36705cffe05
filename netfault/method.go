package netfault

import "time"

// Method is how a cluster applies an effect.
type Method string

const (
	// Nftables drops (cuts and random loss, `numgen random`) in the
	// receiving node's input chain: every protocol, UDP included.
	Nftables Method = "nftables"
	// Netem delays (and shapes) in the kernel's netem qdisc on the sending
	// node's egress, per receiver: every protocol, where the kernel has it.
	Netem Method = "netem"
	// Proxy delays in user space: the receiving node's TCP from its peers
	// is redirected through the node's network agent, which holds each
	// chunk back. TCP only (Consul's Serf gossip, UDP, is out of its
	// reach).
	Proxy Method = "proxy"
	// HTB limits the rate in the kernel's htb qdisc on the sending node's
	// egress, per receiver.
	HTB Method = "htb"
)

// Methods is what a cluster can apply, and why not where it cannot.
type Methods struct {
	// Delay is how delay and jitter are applied ("" when they cannot be).
	Delay Method `json:"delay,omitempty"`
	// NoDelay says why delay cannot be applied (when Delay is "").
	NoDelay string `json:"no_delay,omitempty"`
	// Rate is how a rate is applied ("" when it cannot be).
	Rate Method `json:"rate,omitempty"`
	// NoRate says why a rate cannot be applied (when Rate is "").
	NoRate string `json:"no_rate,omitempty"`
}

// Applied is what a cluster reports once a shape is in effect.
type Applied struct {
	// Asked is when the change was asked for; InEffect when the last node
	// confirmed it.
	Asked, InEffect time.Time
	// Methods are the methods the change used, in order.
	Methods []Method
}

// Took is how long the change took to be in effect.
func (a Applied) Took() time.Duration { return a.InEffect.Sub(a.Asked) }
