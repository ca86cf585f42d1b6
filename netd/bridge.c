/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Links, bridges, addresses and routes through libnl-route-3, in vmhost-netd's namespace. */
#define LOG_MODULE "bridge"
#include "netd/bridge.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "common/log.h"

static struct nl_sock *nl;

/* libnl's error numbers as negative errnos (the codes callers test). */
static int
nl_errno(int nlerr)
{
	switch (-nlerr) {
	case 0: return 0;
	case NLE_EXIST: return -EEXIST;
	case NLE_OBJ_NOTFOUND: case NLE_NODEV: return -ENODEV;
	case NLE_PERM: return -EPERM;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_INVAL: case NLE_RANGE: return -EINVAL;
	case NLE_BUSY: return -EBUSY;
	case NLE_NOADDR: return -EADDRNOTAVAIL;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	default: return -EIO;
	}
}

int
bridge_nl_init(void)
{
	int r;

	if (nl)
		return 0;
	if (!(nl = nl_socket_alloc()))
		return -ENOMEM;
	if ((r = nl_connect(nl, NETLINK_ROUTE)) < 0) {
		log_error("cannot open rtnetlink: %s", nl_geterror(r));
		nl_socket_free(nl);
		nl = NULL;
		return nl_errno(r);
	}
	return 0;
}

int
link_lookup(const char *name, struct link_info *out)
{
	struct rtnl_link *l = NULL;
	const char *kind;
	int r;

	if ((r = bridge_nl_init()) < 0)
		return r;
	if ((r = rtnl_link_get_kernel(nl, 0, name, &l)) < 0)
		return nl_errno(r) == -EIO ? -EIO : -ENODEV;
	memset(out, 0, sizeof(*out));
	out->ifindex = rtnl_link_get_ifindex(l);
	out->master = rtnl_link_get_master(l);
	out->mtu = rtnl_link_get_mtu(l);
	out->up = (rtnl_link_get_flags(l) & IFF_UP) != 0;
	if ((kind = rtnl_link_get_type(l)))
		snprintf(out->kind, sizeof(out->kind), "%s", kind);
	rtnl_link_put(l);
	return 0;
}

int
link_name(int ifindex, char *buf, size_t len)
{
	struct rtnl_link *l = NULL;
	int r;

	if ((r = bridge_nl_init()) < 0)
		return r;
	if (rtnl_link_get_kernel(nl, ifindex, NULL, &l) < 0)
		return -ENODEV;
	snprintf(buf, len, "%s", rtnl_link_get_name(l));
	rtnl_link_put(l);
	return 0;
}

/* IFLA_LINKINFO { kind bridge, data { forward delay, stp } }. */
static int
bridge_put_info(struct nl_msg *m, const struct bridge_spec *b)
{
	struct nlattr *info, *data;

	if (!(info = nla_nest_start(m, IFLA_LINKINFO)) ||
	    nla_put_string(m, IFLA_INFO_KIND, "bridge") < 0 ||
	    !(data = nla_nest_start(m, IFLA_INFO_DATA)))
		return -ENOMEM;
	/* the delay goes first: the kernel refuses a delay under 2 s once
	 * STP is on, and applies the attributes in this order */
	if (nla_put_u32(m, IFLA_BR_FORWARD_DELAY, b->delay * 100) < 0 ||
	    nla_put_u32(m, IFLA_BR_STP_STATE, b->stp ? 1 : 0) < 0)
		return -ENOMEM;
	nla_nest_end(m, data);
	nla_nest_end(m, info);
	return 0;
}

int
bridge_create(const struct bridge_spec *b)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *m;
	int r;

	if ((r = bridge_nl_init()) < 0)
		return r;
	if (!(m = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL)))
		return -ENOMEM;
	if (nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(m, IFLA_IFNAME, b->name) < 0 ||
	    nla_put(m, IFLA_ADDRESS, 6, b->mac) < 0 ||
	    (b->mtu && nla_put_u32(m, IFLA_MTU, b->mtu) < 0) ||
	    bridge_put_info(m, b) < 0) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	if ((r = nl_send_sync(nl, m)) < 0) {	/* frees m */
		log_error("cannot create bridge '%s': %s", b->name,
		    nl_geterror(r));
		return nl_errno(r);
	}
	log_debug("created bridge '%s'", b->name);
	return 0;
}

int
bridge_add_addr(const char *bridge, const struct net_addr *a, int prefix)
{
	struct rtnl_addr *ra = NULL;
	struct nl_addr *local = NULL;
	struct link_info li;
	int r;

	if ((r = link_lookup(bridge, &li)) < 0)
		return r;
	ra = rtnl_addr_alloc();
	local = nl_addr_build(a->family, a->a, a->family == AF_INET ? 4 : 16);
	if (!ra || !local) {
		r = -ENOMEM;
		goto out;
	}
	nl_addr_set_prefixlen(local, prefix);
	rtnl_addr_set_ifindex(ra, li.ifindex);
	rtnl_addr_set_local(ra, local);
	rtnl_addr_set_prefixlen(ra, prefix);
	if (a->family == AF_INET6)
		rtnl_addr_set_flags(ra, IFA_F_NODAD);
	if ((r = rtnl_addr_add(nl, ra, NLM_F_REPLACE)) < 0) {
		log_error("cannot add an address to '%s': %s", bridge,
		    nl_geterror(r));
		r = nl_errno(r);
	}
out:
	nl_addr_put(local);
	rtnl_addr_put(ra);
	return r;
}

int
link_configure(const char *name, const unsigned char *mac, unsigned mtu,
    int master, bool up)
{
	struct rtnl_link *orig = NULL, *chg = NULL;
	struct nl_addr *lladdr = NULL;
	int r;

	if ((r = bridge_nl_init()) < 0)
		return r;
	if (rtnl_link_get_kernel(nl, 0, name, &orig) < 0)
		return -ENODEV;
	if (!(chg = rtnl_link_alloc())) {
		r = -ENOMEM;
		goto out;
	}
	if (mac) {
		if (!(lladdr = nl_addr_build(AF_LLC, mac, 6))) {
			r = -ENOMEM;
			goto out;
		}
		rtnl_link_set_addr(chg, lladdr);
	}
	if (mtu)
		rtnl_link_set_mtu(chg, mtu);
	if (master)
		rtnl_link_set_master(chg, master);
	if (up)
		rtnl_link_set_flags(chg, IFF_UP);
	if ((r = rtnl_link_change(nl, orig, chg, 0)) < 0) {
		log_error("cannot configure '%s': %s", name, nl_geterror(r));
		r = nl_errno(r);
	}
out:
	nl_addr_put(lladdr);
	rtnl_link_put(chg);
	rtnl_link_put(orig);
	return r;
}

int
link_delete(const char *name)
{
	struct rtnl_link *l;
	int r;

	if ((r = bridge_nl_init()) < 0)
		return r;
	if (!(l = rtnl_link_alloc()))
		return -ENOMEM;
	rtnl_link_set_name(l, name);
	r = rtnl_link_delete(nl, l);
	rtnl_link_put(l);
	if (r < 0 && nl_errno(r) != -ENODEV) {
		log_error("cannot delete '%s': %s", name, nl_geterror(r));
		return nl_errno(r);
	}
	return 0;
}

int
link_foreach_slave(int master,
    void (*fn)(const char *name, const char *kind, void *arg), void *arg)
{
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	int r;

	if ((r = bridge_nl_init()) < 0)
		return r;
	if ((r = rtnl_link_alloc_cache(nl, AF_UNSPEC, &cache)) < 0)
		return nl_errno(r);
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		const char *kind = rtnl_link_get_type(l);

		if (rtnl_link_get_master(l) == master)
			fn(rtnl_link_get_name(l), kind ? kind : "", arg);
	}
	nl_cache_free(cache);
	return 0;
}

/* Does route r's destination lie inside net/prefix? Its oif in *oif. */
static bool
route_inside(struct rtnl_route *rt, const struct net_addr *net, int prefix,
    int *oif)
{
	struct nl_addr *dst = rtnl_route_get_dst(rt);
	struct rtnl_nexthop *nh;
	struct net_addr d = { .family = net->family };
	int plen;

	if (!dst || nl_addr_get_family(dst) != net->family ||
	    rtnl_route_get_table(rt) != RT_TABLE_MAIN ||
	    rtnl_route_get_type(rt) != RTN_UNICAST)
		return false;
	plen = (int)nl_addr_get_prefixlen(dst);
	if (plen < prefix || plen == 0 ||
	    nl_addr_get_len(dst) > sizeof(d.a))
		return false;
	memcpy(d.a, nl_addr_get_binary_addr(dst), nl_addr_get_len(dst));
	if (!net_addr_in_subnet(&d, net, prefix))
		return false;
	nh = rtnl_route_nexthop_n(rt, 0);
	*oif = nh ? rtnl_route_nh_get_ifindex(nh) : 0;
	return true;
}

int
route_conflict(const struct net_addr *net, int prefix, int except_ifindex,
    char *via, size_t vialen)
{
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	int r, oif, found = 0;

	if ((r = bridge_nl_init()) < 0)
		return r;
	if ((r = rtnl_route_alloc_cache(nl, net->family, 0, &cache)) < 0)
		return nl_errno(r);
	for (o = nl_cache_get_first(cache); o && !found;
	    o = nl_cache_get_next(o)) {
		if (!route_inside((struct rtnl_route *)o, net, prefix, &oif) ||
		    (oif && oif == except_ifindex))
			continue;
		found = 1;
		if (!oif || link_name(oif, via, vialen) < 0)
			snprintf(via, vialen, "%s", "another route");
	}
	nl_cache_free(cache);
	return found;
}
