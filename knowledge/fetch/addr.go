package fetch

import (
	"fmt"
	"net/netip"
	"syscall"
)

// blockedRange is a range of addresses newsbot does not dial unless private
// addresses are allowed, with the words an error uses for it.
type blockedRange struct {
	prefix netip.Prefix
	what   string
}

var blockedRanges = []blockedRange{
	{netip.MustParsePrefix("0.0.0.0/8"), "an unspecified (this-network) address"},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private address"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a carrier-grade NAT (CGNAT) address"},
	{netip.MustParsePrefix("127.0.0.0/8"), "a loopback address"},
	{netip.MustParsePrefix("169.254.0.0/16"), "a link-local address"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private address"},
	{netip.MustParsePrefix("192.0.0.0/24"), "an IETF protocol address"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address"},
	{netip.MustParsePrefix("224.0.0.0/4"), "a multicast address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"},
	{netip.MustParsePrefix("::/128"), "an unspecified address"},
	{netip.MustParsePrefix("::1/128"), "a loopback address"},
	{netip.MustParsePrefix("fc00::/7"), "a unique local (ULA) address"},
	{netip.MustParsePrefix("fe80::/10"), "a link-local address"},
	{netip.MustParsePrefix("ff00::/8"), "a multicast address"},
}

// nat64 is the well-known NAT64 prefix, whose last 32 bits are an IPv4 address.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// classify says why addr must not be dialed, or returns "" when it is a
// public address. An IPv6 zone ("fe80::1%eth0") is ignored: a prefix never
// contains a zoned address, so it would otherwise pass as public.
func classify(addr netip.Addr) string {
	addr = addr.WithZone("").Unmap()
	if nat64.Contains(addr) {
		b := addr.As16()
		return classify(netip.AddrFrom4([4]byte(b[12:])))
	}
	for _, r := range blockedRanges {
		if r.prefix.Contains(addr) {
			return r.what
		}
	}
	return ""
}

// control is the dialer's Control hook: it runs on the address actually
// being dialed, after DNS resolution and on every redirect, and refuses
// addresses that are not public.
func (c *Client) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &refusal{addr: address, why: "is not an IP address"}
	}
	if c.allowPrivate {
		return nil
	}
	for _, ok := range c.allowAddrs {
		if ap.Addr().Unmap() == ok.Addr().Unmap() && ap.Port() == ok.Port() {
			return nil
		}
	}
	if why := classify(ap.Addr()); why != "" {
		return &refusal{addr: ap.Addr().WithZone("").Unmap().String(), why: "is " + why}
	}
	return nil
}

// refusal is the error for an address that must not be dialed.
type refusal struct {
	addr, why string
}

func (r *refusal) Error() string {
	return fmt.Sprintf("refused: %s %s; set NEWSBOT_ALLOW_PRIVATE_URLS=true to allow", r.addr, r.why)
}

// Is makes errors.Is(err, ErrRefused) true for a refusal.
func (r *refusal) Is(target error) bool { return target == ErrRefused }
