/* xmpp-stream-private.h — internals shared by the four files of the
 * client stream: xmpp-stream.c (connection and input), xmpp-stream-negotiate.c
 * (stream features, STARTTLS, SASL, bind, XEP-0198), xmpp-stream-output.c
 * (the output buffer and the wire log) and
 * xmpp-stream-stanzas.c (stanzas, IQ tracking, routing, disco, presence). */
#pragma once

#include "signalling/xmpp/xmpp-stream.h"
#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xmpp/sasl.h"
#include "signalling/xmpp/xmpp-router.h"
#include "signalling/xmpp/xmpp-sm.h"
#include "signalling/xmpp/xmpp-tls.h"

G_BEGIN_DECLS

/* Bounds on what a peer (or a stuck network) can make us hold. */
#define JA_XMPP_SM_MAX_UNACKED 10000
#define JA_XMPP_MAX_PENDING_IQS 1024
#define JA_XMPP_MAX_PENDING_PLAIN 10000

typedef enum {
  ST_IDLE,
  ST_RESOLVING,
  ST_CONNECTING,
  ST_TLS_HANDSHAKE,
  ST_WAIT_FEATURES,
  ST_STARTTLS,
  ST_SASL,
  ST_BIND,
  ST_RESUME,
  ST_READY,
  ST_CLOSING,
  ST_DISCONNECTED,
  ST_CLOSED,
  ST_LISTENING,               /* serverless: waiting for a peer */
  ST_ACCEPTING,               /* serverless: a peer came, TLS or not? */
} JaStreamState;

typedef enum { RESTART_NONE, RESTART_TLS, RESTART_STREAM } Restart;

struct _JaXmppStream {
  GObject parent;

  JaXmppStreamConfig cfg;
  char *bare_jid;
  char *local;
  char *domain;
  char *resource;
  JaStreamState state;

  /* one connection */
  GList *targets;
  guint srv_step;
  char *last_connect_error;
  GCancellable *cancellable;
  GSocketConnection *conn;
  GSocket *socket;            /* borrowed from conn */
  GSource *in_source;
  GSource *out_source;
  guint flush_idle_id;
  guint flush_settle_id;      /* a bulk flush waits for the server to read */
  gint64 bulk_until_us;       /* pad flushes to whole records until then */
  gint64 last_flush_us;       /* when bytes last went to the socket */
  GByteArray *outbuf;
  JaTls *tls;
  gboolean tls_active;
  gboolean direct_tls_now;
  gboolean remote_is_loopback;
  JaXmlStreamParser *parser;
  Restart restart;
  GError *fatal;              /* set inside parser callbacks */
  gboolean authenticated;
  gboolean peer_closed;
  JaSasl *sasl;
  char *stream_id;

  /* what was negotiated */
  char *remote_address;
  char *tls_version;
  char *tls_cipher;
  char *tls_verification;
  char *sasl_mechanism;
  char *cb_type;
  char *bound_jid;
  JaXmlNode *server_features;

  /* XEP-0198 */
  JaXmppSm *sm;
  gboolean sm_enabled;         /* outbound counting: since <enable/> sent */
  gboolean sm_counting_in;     /* inbound counting: since <enabled/> read */
  gboolean sm_resumable;
  char *sm_id;
  guint ack_idle_id;
  GQueue pending_plain;       /* serialised stanzas waiting without XEP-0198 */

  /* tasks and timers */
  GTask *connect_task;
  GTask *close_task;
  guint connect_timeout_id;
  guint reconnect_id;
  guint keepalive_id;
  guint close_timeout_id;
  guint backoff_ms;
  guint reconnect_attempts;
  gint64 last_rx_us;
  gint64 probe_sent_us;

  /* stanzas */
  GHashTable *iqs;            /* id → PendingIq */
  guint64 next_id;
  JaXmppRouter *router;
  GHashTable *routes;         /* route id → handler closure */
  GPtrArray *features;        /* char*, our disco#info features */
  const char **features_strv; /* NULL-terminated view of features */
  char *caps_ver;

  JaXmppWireLogFunc wire_log;
  gpointer wire_log_data;

  /* serverless (xmpp-stream-direct.c) */
  char *peer_jid;             /* from the peer's stream header */
  char *peer_sha256;
  char *own_sha256;
  GSocketListener *listener;
  GCancellable *listen_cancellable;
  char *listen_address;
  gboolean accepting;
  guint lost_idle_id;         /* connecting side: the peer's close, told later */
  GError *lost_error;
};

void ja_xmpp_stream_set_state (JaXmppStream *self, JaStreamState state);
void ja_xmpp_stream_fail (JaXmppStream *self, GError *error /* (transfer full) */);
void ja_xmpp_stream_set_fatal (JaXmppStream *self, GError *error /* (transfer full) */);
void ja_xmpp_stream_write_raw (JaXmppStream *self, const char *data,
    gssize len);   /* len -1: NUL-terminated */
void ja_xmpp_stream_write_element (JaXmppStream *self, const JaXmlNode *node);
void ja_xmpp_stream_want_write (JaXmppStream *self);
/* Write what the output buffer holds, as far as the socket takes it. */
void ja_xmpp_stream_flush (JaXmppStream *self);
void ja_xmpp_stream_drive_handshake (JaXmppStream *self);
void ja_xmpp_stream_log_wire (JaXmppStream *self, JaXmppWireDirection dir,
    const JaXmlNode *node);
void ja_xmpp_stream_send_stream_error (JaXmppStream *self,
    const char *condition, const char *text);
void ja_xmpp_stream_became_ready (JaXmppStream *self, gboolean resumed);
void ja_xmpp_stream_finish_close (JaXmppStream *self);

/* xmpp-stream.c, for xmpp-stream-direct.c */
void ja_xmpp_stream_start_input (JaXmppStream *self);
void ja_xmpp_stream_arm_connect_timeout (JaXmppStream *self);
void ja_xmpp_stream_start_tls (JaXmppStream *self);
const char *ja_xmpp_stream_peer_name (JaXmppStream *self);

/* xmpp-stream-direct.c (serverless) */
gboolean ja_xmpp_stream_direct_start (JaXmppStream *self, GError **error);
void ja_xmpp_stream_direct_tls_options (JaXmppStream *self,
    JaTlsOptions *opts);
gboolean ja_xmpp_stream_direct_check_peer (JaXmppStream *self,
    const char *key, GError **error);
void ja_xmpp_stream_direct_send_header (JaXmppStream *self);
void ja_xmpp_stream_direct_header (JaXmppStream *self,
    const JaXmlNode *header);
void ja_xmpp_stream_direct_features (JaXmppStream *self);
void ja_xmpp_stream_direct_stamp (JaXmppStream *self, JaXmlNode *stanza);
gboolean ja_xmpp_stream_direct_sniff (JaXmppStream *self);
void ja_xmpp_stream_direct_peer_gone (JaXmppStream *self, const GError *why);
void ja_xmpp_stream_direct_unavailable (JaXmppStream *self, const char *peer);
void ja_xmpp_stream_direct_stop (JaXmppStream *self);

/* xmpp-stream-negotiate.c */
void ja_xmpp_stream_handle_nonza (JaXmppStream *self, const JaXmlNode *node);

/* xmpp-stream-stanzas.c */
void ja_xmpp_stream_stanzas_init (JaXmppStream *self);
void ja_xmpp_stream_handle_stanza (JaXmppStream *self, const JaXmlNode *node);
void ja_xmpp_stream_fail_all_iqs (JaXmppStream *self, int code,
    const char *message);
void ja_xmpp_stream_send_ping_probe (JaXmppStream *self);
/* Sends an IQ now, bypassing the ready check (resource binding). */
void ja_xmpp_stream_iq_internal (JaXmppStream *self, JaXmlNode *iq,
    GAsyncReadyCallback callback, gpointer user_data);
/* Session established: flush what waited and send presence. */
void ja_xmpp_stream_session_started (JaXmppStream *self, gboolean fresh);
void ja_xmpp_stream_resend_unacked (JaXmppStream *self);

G_END_DECLS
