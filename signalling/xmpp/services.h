/* services.h — what the server offers the agent: its disco#info features
 * (XEP-0030), SOCKS5 proxies among its disco items (XEP-0065 §4) with their
 * streamhost addresses, and STUN/TURN services (XEP-0215). The parsers are
 * pure (and fuzzed); the discovery runs the queries concurrently. */
#pragma once

#include "signalling/xmpp/xmpp-stream.h"

G_BEGIN_DECLS

typedef struct {
  char *jid;
  char *host;
  guint16 port;
} JaS5bProxy;

typedef struct {
  char *type;        /* stun, turn, turns, … */
  char *host;
  guint16 port;      /* 0 when not given */
  char *transport;   /* udp, tcp or NULL */
  char *username;
  char *password;
  char *expires;
  char *name;
  gboolean restricted;
} JaExtService;

void ja_s5b_proxy_free (JaS5bProxy *proxy);
void ja_ext_service_free (JaExtService *service);

/* <services xmlns='urn:xmpp:extdisco:2'/> → JaExtService* array (transfer
 * full). Entries without type or host, or with a bad port, are skipped. */
GPtrArray *ja_extdisco_parse (const JaXmlNode *services, GError **error);
/* <query xmlns='…bytestreams'/> → the first usable streamhost. */
JaS5bProxy *ja_s5b_proxy_parse (const JaXmlNode *query, GError **error);

typedef struct {
  char **features;          /* the server's disco#info features, sorted */
  GPtrArray *proxies;       /* JaS5bProxy* */
  GPtrArray *services;      /* JaExtService* */
  char *services_error;     /* why XEP-0215 gave nothing, or NULL */
} JaServerInfo;

void ja_server_info_free (JaServerInfo *info);

void ja_xmpp_discover_server_async (JaXmppStream *stream,
    GCancellable *cancellable, GAsyncReadyCallback callback,
    gpointer user_data);
JaServerInfo *ja_xmpp_discover_server_finish (JaXmppStream *stream,
    GAsyncResult *res, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaS5bProxy, ja_s5b_proxy_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaExtService, ja_ext_service_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaServerInfo, ja_server_info_free)

G_END_DECLS
