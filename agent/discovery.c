/* discovery.c — XEP-0174 §3 (DNS-SD over mDNS, service "_presence._tcp",
 * instance name user@machine, TXT "txtvers=1", "port.p2pj", "status",
 * XEP-0115 "node"/"ver"/"hash") through the Avahi client library, driven
 * by avahi-glib on the default main context. Built without Avahi, or with
 * no daemon running, discovery is off and says why. */
#include "agent/discovery.h"

#ifdef JA_HAVE_AVAHI
#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-client/publish.h>
#include <avahi-common/error.h>
#include <avahi-common/address.h>
#include <avahi-common/malloc.h>
#include <avahi-glib/glib-watch.h>

#define SERVICE_TYPE "_presence._tcp"

struct _JaDiscovery {
  AvahiGLibPoll *poll;
  AvahiClient *client;
  AvahiEntryGroup *group;
};

static void
client_cb (AvahiClient *client, AvahiClientState state, void *user_data)
{
  if (state == AVAHI_CLIENT_FAILURE)
    g_message ("discovery: the Avahi daemon went away: %s",
        avahi_strerror (avahi_client_errno (client)));
}

JaDiscovery *
ja_discovery_new (char **why_off)
{
  JaDiscovery *d = g_new0 (JaDiscovery, 1);
  int err = 0;

  d->poll = avahi_glib_poll_new (NULL, G_PRIORITY_DEFAULT);
  d->client = avahi_client_new (avahi_glib_poll_get (d->poll), 0, client_cb,
      d, &err);
  if (d->client == NULL) {
    if (why_off != NULL)
      *why_off = g_strdup_printf ("the Avahi daemon is not reachable (%s)",
          avahi_strerror (err));
    ja_discovery_free (d);
    return NULL;
  }
  return d;
}

void
ja_discovery_free (JaDiscovery *d)
{
  if (d == NULL)
    return;
  if (d->group != NULL)
    avahi_entry_group_free (d->group);
  if (d->client != NULL)
    avahi_client_free (d->client);
  if (d->poll != NULL)
    avahi_glib_poll_free (d->poll);
  g_free (d);
}

static void
group_cb (AvahiEntryGroup *group, AvahiEntryGroupState state, void *user_data)
{
  if (state == AVAHI_ENTRY_GROUP_COLLISION)
    g_message ("discovery: another agent already uses this name on the "
        "network");
  else if (state == AVAHI_ENTRY_GROUP_FAILURE)
    g_message ("discovery: publishing failed: %s", avahi_strerror (
            avahi_client_errno (avahi_entry_group_get_client (group))));
  else if (state == AVAHI_ENTRY_GROUP_ESTABLISHED)
    g_info ("discovery: published");
}

void
ja_discovery_advertise (JaDiscovery *d, const char *name, guint16 port,
    const char *caps_node, const char *caps_ver)
{
  g_autofree char *port_txt = g_strdup_printf ("port.p2pj=%u", port);
  g_autofree char *node_txt = caps_node ? g_strdup_printf ("node=%s",
      caps_node) : NULL;
  g_autofree char *ver_txt = caps_ver ? g_strdup_printf ("ver=%s", caps_ver)
      : NULL;
  AvahiStringList *txt = NULL;
  int ret;

  if (d->group == NULL)
    d->group = avahi_entry_group_new (d->client, group_cb, d);
  if (d->group == NULL) {
    g_message ("discovery: cannot publish: %s",
        avahi_strerror (avahi_client_errno (d->client)));
    return;
  }
  avahi_entry_group_reset (d->group);
  txt = avahi_string_list_add (txt, "txtvers=1");
  txt = avahi_string_list_add (txt, port_txt);
  txt = avahi_string_list_add (txt, "status=avail");
  if (node_txt != NULL && ver_txt != NULL) {
    txt = avahi_string_list_add (txt, node_txt);
    txt = avahi_string_list_add (txt, ver_txt);
    txt = avahi_string_list_add (txt, "hash=sha-1");
  }
  ret = avahi_entry_group_add_service_strlst (d->group, AVAHI_IF_UNSPEC,
      AVAHI_PROTO_UNSPEC, 0, name, SERVICE_TYPE, NULL, NULL, port, txt);
  avahi_string_list_free (txt);
  if (ret >= 0)
    ret = avahi_entry_group_commit (d->group);
  if (ret < 0)
    g_message ("discovery: cannot publish %s: %s", name, avahi_strerror (ret));
  else
    g_info ("discovery: publishing %s on port %u", name, port);
}

typedef struct {
  const char *name;
  char *found;
  gboolean done;
  GPtrArray *resolvers;       /* AvahiServiceResolver*, freed at the end */
} Resolve;

static void
resolved_cb (AvahiServiceResolver *r, AvahiIfIndex iface,
    AvahiProtocol proto, AvahiResolverEvent event, const char *name,
    const char *type, const char *domain, const char *host,
    const AvahiAddress *addr, uint16_t port, AvahiStringList *txt,
    AvahiLookupResultFlags flags, void *user_data)
{
  Resolve *res = user_data;
  char ip[AVAHI_ADDRESS_STR_MAX];

  if (event == AVAHI_RESOLVER_FOUND && res->found == NULL) {
    AvahiStringList *p = avahi_string_list_find (txt, "port.p2pj");
    char *key = NULL, *value = NULL;
    guint64 p2pj = 0;

    /* XEP-0174: port.p2pj names the port; the SRV port is the fallback. */
    if (p != NULL && avahi_string_list_get_pair (p, &key, &value, NULL) == 0
        && value != NULL
        && g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT16, &p2pj, NULL))
      port = p2pj;
    avahi_free (key);
    avahi_free (value);
    avahi_address_snprint (ip, sizeof ip, addr);
    res->found = g_strdup_printf (addr->proto == AVAHI_PROTO_INET6
        ? "[%s]:%u" : "%s:%u", ip, port);
    res->done = TRUE;
  }
}

static void
browse_cb (AvahiServiceBrowser *b, AvahiIfIndex iface, AvahiProtocol proto,
    AvahiBrowserEvent event, const char *name, const char *type,
    const char *domain, AvahiLookupResultFlags flags, void *user_data)
{
  Resolve *res = user_data;
  AvahiServiceResolver *r;

  if (event != AVAHI_BROWSER_NEW || g_strcmp0 (name, res->name) != 0
      || res->resolvers->len >= 16)
    return;
  r = avahi_service_resolver_new (avahi_service_browser_get_client (b), iface,
      proto, name, type, domain, AVAHI_PROTO_UNSPEC, 0, resolved_cb, res);
  if (r != NULL)
    g_ptr_array_add (res->resolvers, r);
}

static void
resolver_free (gpointer r)
{
  avahi_service_resolver_free (r);
}

static gboolean
resolve_timeout_cb (gpointer user_data)
{
  ((Resolve *) user_data)->done = TRUE;
  return G_SOURCE_REMOVE;
}

char *
ja_discovery_resolve (JaDiscovery *d, const char *name, guint timeout_ms,
    GError **error)
{
  Resolve res = { name, NULL, FALSE, NULL };
  AvahiServiceBrowser *b;
  guint timeout_id;

  b = avahi_service_browser_new (d->client, AVAHI_IF_UNSPEC,
      AVAHI_PROTO_UNSPEC, SERVICE_TYPE, NULL, 0, browse_cb, &res);
  if (b == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
        "cannot browse for %s: %s", name,
        avahi_strerror (avahi_client_errno (d->client)));
    return NULL;
  }
  res.resolvers = g_ptr_array_new_with_free_func (resolver_free);
  timeout_id = g_timeout_add (timeout_ms, resolve_timeout_cb, &res);
  while (!res.done)
    g_main_context_iteration (NULL, TRUE);
  if (res.found != NULL)
    g_source_remove (timeout_id);
  /* Nothing may call back into res after we return. */
  g_ptr_array_unref (res.resolvers);
  avahi_service_browser_free (b);
  if (res.found == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
        "no agent named %s on the local network (mDNS/DNS-SD "
        "_presence._tcp) after %u ms", name, timeout_ms);
  return res.found;
}

#else /* !JA_HAVE_AVAHI */

struct _JaDiscovery {
  int unused;
};

JaDiscovery *
ja_discovery_new (char **why_off)
{
  if (why_off != NULL)
    *why_off = g_strdup ("built without Avahi");
  return NULL;
}

void
ja_discovery_free (JaDiscovery *d)
{
  g_free (d);
}

void
ja_discovery_advertise (JaDiscovery *d, const char *name, guint16 port,
    const char *caps_node, const char *caps_ver)
{
}

char *
ja_discovery_resolve (JaDiscovery *d, const char *name, guint timeout_ms,
    GError **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
      "discovery off (built without Avahi)");
  return NULL;
}

#endif
