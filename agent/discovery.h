/* discovery.h — serverless discovery on the local network (XEP-0174 §3:
 * mDNS/DNS-SD service "_presence._tcp") through the Avahi daemon, when the
 * agent was built with Avahi and the daemon runs; otherwise discovery is
 * off and explicit addresses (--peer HOST:PORT) are the way to meet. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _JaDiscovery JaDiscovery;

/* Connects to the Avahi daemon. NULL when discovery is off, with *why_off
 * (transfer full) saying why. */
JaDiscovery *ja_discovery_new (char **why_off);
void ja_discovery_free (JaDiscovery *d);

/* Publishes us as instance name (user@host) on port, with the XEP-0174
 * TXT record (txtvers, port.p2pj, status, and XEP-0115 node/ver/hash when
 * caps_ver is given). Errors go to the log; publishing is best effort. */
void ja_discovery_advertise (JaDiscovery *d, const char *name, guint16 port,
    const char *caps_node, const char *caps_ver);

/* Looks name (user@host) up among the _presence._tcp services on the local
 * network: "ADDRESS:PORT" (transfer full), or NULL with G_IO_ERROR_NOT_FOUND
 * after timeout_ms. Runs the thread-default main context meanwhile. */
char *ja_discovery_resolve (JaDiscovery *d, const char *name, guint timeout_ms,
    GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaDiscovery, ja_discovery_free)

G_END_DECLS
