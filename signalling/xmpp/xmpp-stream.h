/* xmpp-stream.h — the client XMPP stream (RFC 6120): connect (SRV with
 * XEP-0368 direct TLS first, or an explicit host), STARTTLS or direct TLS,
 * SASL, resource binding, stream management with resumption (XEP-0198),
 * reconnection with backoff, IQ tracking with timeouts, routing of
 * incoming stanzas, and a clean shutdown. Runs on the thread-default main
 * context it was created on. */
#pragma once

#include <gio/gio.h>
#include "signalling/xml/xml-node.h"
#include "signalling/xmpp/xmpp-error.h"

G_BEGIN_DECLS

typedef struct {
  char *jid;              /* the account: local@domain[/resource] */
  char *password;
  char *resource;         /* NULL: the JID's, else "jingle-agent-XXXX" */
  char *server_host;      /* NULL: look up SRV records of the domain */
  guint16 server_port;    /* 0: 5222 (5223 with direct_tls) */
  gboolean direct_tls;    /* with server_host: TLS from the first byte */
  char *ca_file;
  gboolean no_system_trust;
  char *pin_sha256;       /* pin the server certificate instead of CA checks */
  char *tls_priority;     /* GnuTLS priority string, NULL for the default */
  gboolean allow_plaintext; /* only honoured for loopback servers */
  gboolean no_stream_management;
  gboolean no_reconnect;
  guint connect_timeout_ms; /* 0: 15 s */
  guint iq_timeout_ms;      /* 0: 30 s */
  guint keepalive_s;        /* 0: 60 s; idle time before a liveness check */

  /* Serverless (XEP-0174 semantics; xmpp-stream-direct.c): instead of a
   * server, accept one peer at a time on direct_listen, or connect to
   * direct_peer (both "ADDRESS:PORT"). jid is then our own name (no
   * password, no SASL). */
  char *direct_listen;
  char *direct_peer;
  char *identity_file;      /* NULL: $XDG_DATA_HOME/jingle-agent/identity.pem */
  char *known_peers_file;   /* NULL: $XDG_DATA_HOME/jingle-agent/known_peers */
  char *peer_fingerprint;   /* pin the peer's certificate SHA-256 (hex) */
  gboolean insecure_plaintext; /* no TLS (loopback only; both sides) */
} JaXmppStreamConfig;

void ja_xmpp_stream_config_clear (JaXmppStreamConfig *config);

typedef enum {
  JA_XMPP_WIRE_SENT,
  JA_XMPP_WIRE_RECEIVED,
} JaXmppWireDirection;

/* Called for each element on the wire; node is already redacted (SASL
 * payloads). Only called when set, so nothing is serialised for logs
 * otherwise. */
typedef void (*JaXmppWireLogFunc) (JaXmppWireDirection dir,
    const JaXmlNode *node, gpointer user_data);

/* An IQ get/set handler: returns TRUE with *result (transfer full, may stay
 * NULL for an empty result), or FALSE with error for an error reply. To
 * answer later, return TRUE and set *deferred = TRUE, then call
 * ja_xmpp_stream_reply / ja_xmpp_stream_reply_error. */
typedef gboolean (*JaXmppIqHandler) (const JaXmlNode *iq, JaXmlNode **result,
    gboolean *deferred, gpointer user_data, GError **error);
/* A message/presence handler: TRUE when it consumed the stanza. */
typedef gboolean (*JaXmppStanzaHandler) (const JaXmlNode *stanza,
    gpointer user_data);

#define JA_TYPE_XMPP_STREAM (ja_xmpp_stream_get_type ())
G_DECLARE_FINAL_TYPE (JaXmppStream, ja_xmpp_stream, JA, XMPP_STREAM, GObject)

/* Signals:
 *   "ready" (gboolean resumed): bound and usable (again).
 *   "connection-lost" (GError*, guint retry_in_ms): the transport dropped;
 *       stanzas sent meanwhile are queued and go out after resumption.
 *   "closed" (GError* nullable): final; NULL after ja_xmpp_stream_close. */
JaXmppStream *ja_xmpp_stream_new (const JaXmppStreamConfig *config);

void ja_xmpp_stream_connect_async (JaXmppStream *self,
    GCancellable *cancellable, GAsyncReadyCallback callback,
    gpointer user_data);
gboolean ja_xmpp_stream_connect_finish (JaXmppStream *self, GAsyncResult *res,
    GError **error);

/* Send </stream:stream>, wait briefly for the peer's, close the socket. */
void ja_xmpp_stream_close_async (JaXmppStream *self,
    GAsyncReadyCallback callback, gpointer user_data);
gboolean ja_xmpp_stream_close_finish (JaXmppStream *self, GAsyncResult *res,
    GError **error);

/* Send a stanza (transfer full). Stanzas are counted for XEP-0198 and
 * queued while the connection is down. */
void ja_xmpp_stream_send (JaXmppStream *self, JaXmlNode *stanza);

/* Send an IQ get/set (transfer full; an id is set when it has none) and
 * wait for its result: the result <iq/> (transfer full), or an error in
 * JA_XMPP_ERROR (error reply) or JA_XMPP_STREAM_ERROR_TIMEOUT. */
void ja_xmpp_stream_iq_async (JaXmppStream *self, JaXmlNode *iq,
    GCancellable *cancellable, GAsyncReadyCallback callback,
    gpointer user_data);
JaXmlNode *ja_xmpp_stream_iq_finish (JaXmppStream *self, GAsyncResult *res,
    GError **error);

/* Replies to a request (iq borrowed; result transfer full, nullable). */
void ja_xmpp_stream_reply (JaXmppStream *self, const JaXmlNode *iq,
    JaXmlNode *result);
void ja_xmpp_stream_reply_error (JaXmppStream *self, const JaXmlNode *stanza,
    const GError *error);

/* Routing. ns is the namespace of the IQ payload (with its element name),
 * or of a child a message/presence must carry (NULL: every one). */
guint ja_xmpp_stream_add_iq_handler (JaXmppStream *self, const char *name,
    const char *ns, JaXmppIqHandler handler, gpointer user_data);
guint ja_xmpp_stream_add_stanza_handler (JaXmppStream *self,
    const char *element, const char *ns, JaXmppStanzaHandler handler,
    gpointer user_data);
void ja_xmpp_stream_remove_handler (JaXmppStream *self, guint id);

/* Features listed in our disco#info and caps (XEP-0030, XEP-0115). */
void ja_xmpp_stream_add_feature (JaXmppStream *self, const char *feature);
const char *const *ja_xmpp_stream_get_features (JaXmppStream *self);
/* Recompute caps and re-send presence when connected. */
void ja_xmpp_stream_update_presence (JaXmppStream *self);

void ja_xmpp_stream_set_wire_log (JaXmppStream *self, JaXmppWireLogFunc func,
    gpointer user_data);

/* What the connection negotiated (NULL before). */
const char *ja_xmpp_stream_get_bound_jid (JaXmppStream *self);
const char *ja_xmpp_stream_get_domain (JaXmppStream *self);
const char *ja_xmpp_stream_get_tls_version (JaXmppStream *self);
char *ja_xmpp_stream_dup_tls_cipher (JaXmppStream *self);
const char *ja_xmpp_stream_get_tls_verification (JaXmppStream *self);
const char *ja_xmpp_stream_get_sasl_mechanism (JaXmppStream *self);
const char *ja_xmpp_stream_get_cb_type (JaXmppStream *self);
const char *ja_xmpp_stream_get_remote_address (JaXmppStream *self);
gboolean ja_xmpp_stream_is_direct_tls (JaXmppStream *self);
gboolean ja_xmpp_stream_sm_enabled (JaXmppStream *self);
/* The server confirmed a resumable XEP-0198 session (<enabled resume/>). */
gboolean ja_xmpp_stream_sm_resumable (JaXmppStream *self);
gboolean ja_xmpp_stream_is_ready (JaXmppStream *self);
const char *ja_xmpp_stream_get_caps_ver (JaXmppStream *self);
/* The stream features the server sent after authentication (borrowed). */
const JaXmlNode *ja_xmpp_stream_get_server_features (JaXmppStream *self);
guint ja_xmpp_stream_get_n_unacked (JaXmppStream *self);

/* Serverless streams. */
gboolean ja_xmpp_stream_is_direct (JaXmppStream *self);
gboolean ja_xmpp_stream_is_direct_listener (JaXmppStream *self);
/* The connected peer's JID (from its stream header), NULL without one. */
const char *ja_xmpp_stream_get_peer_jid (JaXmppStream *self);
/* The peer's certificate SHA-256 (hex), NULL without TLS. */
const char *ja_xmpp_stream_get_peer_sha256 (JaXmppStream *self);
/* Our certificate's SHA-256 (hex), once connecting or listening. */
const char *ja_xmpp_stream_get_own_sha256 (JaXmppStream *self);
/* "ADDRESS:PORT" we listen on (the real port when 0 was asked). */
const char *ja_xmpp_stream_get_listen_address (JaXmppStream *self);

G_END_DECLS
