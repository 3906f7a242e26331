/* xmpp-stream.c — the client XMPP stream (RFC 6120) as one state machine:
 * connect → [direct TLS | STARTTLS] → SASL → bind → XEP-0198 enable →
 * ready, with resumption (<resume/>) or a fresh session after a dropped
 * connection, and reconnection with exponential backoff. All I/O is
 * non-blocking on the main context: a GSocket source reads, an output
 * buffer drains when the socket is writable. The stream owns its socket,
 * TLS session, parser, the XEP-0198 queue and the table of pending IQs.
 * IQ tracking, disco#info/ping answers and presence live in
 * xmpp-stream-stanzas.c; this file is the connection. */
#include "signalling/xmpp/xmpp-stream-private.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "signalling/xmpp/jid.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-sm.h"
#include "signalling/xml/xml-writer.h"

G_DEFINE_TYPE (JaXmppStream, ja_xmpp_stream, G_TYPE_OBJECT)

enum { SIG_READY, SIG_CONNECTION_LOST, SIG_CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *const state_names[] = {
  [ST_IDLE] = "idle",
  [ST_RESOLVING] = "resolving",
  [ST_CONNECTING] = "connecting",
  [ST_TLS_HANDSHAKE] = "tls-handshake",
  [ST_WAIT_FEATURES] = "wait-features",
  [ST_STARTTLS] = "starttls",
  [ST_SASL] = "sasl",
  [ST_BIND] = "bind",
  [ST_RESUME] = "resume",
  [ST_READY] = "ready",
  [ST_CLOSING] = "closing",
  [ST_DISCONNECTED] = "disconnected",
  [ST_CLOSED] = "closed",
  [ST_LISTENING] = "listening",
  [ST_ACCEPTING] = "accepting",
};

typedef struct {
  char *host;
  guint16 port;
  gboolean direct_tls;
} Target;

static void target_free (gpointer data);
static void try_next_target (JaXmppStream *self);
static void connection_lost (JaXmppStream *self, GError *error);
static void send_stream_header (JaXmppStream *self);
static void element_cb (gpointer user_data, JaXmlNode *node);
static void stream_start_cb (gpointer user_data, const JaXmlNode *header);
static void stream_end_cb (gpointer user_data);

static const JaXmlStreamCallbacks parser_callbacks = {
  .stream_start = stream_start_cb,
  .stanza = element_cb,
  .stream_end = stream_end_cb,
};

void
ja_xmpp_stream_set_state (JaXmppStream *self, JaStreamState state)
{
  if (self->state == state)
    return;
  g_debug ("stream %s: %s -> %s", self->bare_jid, state_names[self->state],
      state_names[state]);
  self->state = state;
}

void
ja_xmpp_stream_config_clear (JaXmppStreamConfig *config)
{
  g_free (config->jid);
  if (config->password != NULL) {
    memset (config->password, 0, strlen (config->password));
    g_free (config->password);
  }
  g_free (config->resource);
  g_free (config->server_host);
  g_free (config->ca_file);
  g_free (config->pin_sha256);
  g_free (config->tls_priority);
  g_free (config->direct_listen);
  g_free (config->direct_peer);
  g_free (config->identity_file);
  g_free (config->known_peers_file);
  g_free (config->peer_fingerprint);
  memset (config, 0, sizeof *config);
}

static void
copy_config (JaXmppStreamConfig *dst, const JaXmppStreamConfig *src)
{
  *dst = *src;
  dst->jid = g_strdup (src->jid);
  dst->password = g_strdup (src->password);
  dst->resource = g_strdup (src->resource);
  dst->server_host = g_strdup (src->server_host);
  dst->ca_file = g_strdup (src->ca_file);
  dst->pin_sha256 = g_strdup (src->pin_sha256);
  dst->tls_priority = g_strdup (src->tls_priority);
  dst->direct_listen = g_strdup (src->direct_listen);
  dst->direct_peer = g_strdup (src->direct_peer);
  dst->identity_file = g_strdup (src->identity_file);
  dst->known_peers_file = g_strdup (src->known_peers_file);
  dst->peer_fingerprint = g_strdup (src->peer_fingerprint);
  /* Serverless: no server to keep a session for us; a connecting side's
   * stream ends with its peer. */
  if (dst->direct_listen != NULL || dst->direct_peer != NULL)
    dst->no_stream_management = TRUE;
  if (dst->direct_peer != NULL)
    dst->no_reconnect = TRUE;
  if (dst->connect_timeout_ms == 0)
    dst->connect_timeout_ms = 15000;
  if (dst->iq_timeout_ms == 0)
    dst->iq_timeout_ms = 30000;
  if (dst->keepalive_s == 0)
    dst->keepalive_s = 60;
}

/* ---- teardown of one connection ---------------------------------------- */

static void
drop_connection (JaXmppStream *self)
{
  if (self->in_source != NULL) {
    g_source_destroy (self->in_source);
    g_clear_pointer (&self->in_source, g_source_unref);
  }
  if (self->out_source != NULL) {
    g_source_destroy (self->out_source);
    g_clear_pointer (&self->out_source, g_source_unref);
  }
  g_clear_handle_id (&self->flush_idle_id, g_source_remove);
  g_clear_handle_id (&self->flush_settle_id, g_source_remove);
  g_clear_handle_id (&self->ack_idle_id, g_source_remove);
  if (self->tls != NULL && self->tls_active)
    ja_tls_bye (self->tls);
  /* The TLS details stay readable after a clean close for the CLI. */
  if (self->conn != NULL)
    g_io_stream_close (G_IO_STREAM (self->conn), NULL, NULL);
  g_clear_object (&self->conn);
  self->socket = NULL;
  g_clear_pointer (&self->parser, ja_xml_stream_parser_free);
  g_clear_pointer (&self->sasl, ja_sasl_free);
  if (self->outbuf != NULL)
    g_byte_array_set_size (self->outbuf, 0);
  self->tls_active = FALSE;
  self->authenticated = FALSE;
  self->restart = RESTART_NONE;
  g_clear_error (&self->fatal);
  g_list_free_full (self->targets, target_free);
  self->targets = NULL;
}

static void
clear_timers (JaXmppStream *self)
{
  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  g_clear_handle_id (&self->close_timeout_id, g_source_remove);
  g_clear_handle_id (&self->lost_idle_id, g_source_remove);
}

static void
ja_xmpp_stream_dispose (GObject *object)
{
  JaXmppStream *self = JA_XMPP_STREAM (object);

  clear_timers (self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  drop_connection (self);
  ja_xmpp_stream_direct_stop (self);
  ja_xmpp_stream_fail_all_iqs (self, JA_XMPP_STREAM_ERROR_CANCELLED,
      "the stream was disposed");
  G_OBJECT_CLASS (ja_xmpp_stream_parent_class)->dispose (object);
}

static void
ja_xmpp_stream_finalize (GObject *object)
{
  JaXmppStream *self = JA_XMPP_STREAM (object);

  g_clear_pointer (&self->tls, ja_tls_free);
  ja_xmpp_stream_config_clear (&self->cfg);
  g_free (self->bare_jid);
  g_free (self->local);
  g_free (self->domain);
  g_free (self->resource);
  g_free (self->bound_jid);
  g_free (self->sasl_mechanism);
  g_free (self->cb_type);
  g_free (self->tls_version);
  g_free (self->tls_cipher);
  g_free (self->tls_verification);
  g_free (self->remote_address);
  g_free (self->last_connect_error);
  g_free (self->sm_id);
  g_free (self->caps_ver);
  g_free (self->stream_id);
  g_free (self->peer_jid);
  g_free (self->peer_sha256);
  g_free (self->own_sha256);
  g_free (self->listen_address);
  g_clear_error (&self->lost_error);
  g_clear_pointer (&self->server_features, ja_xml_node_free);
  g_clear_pointer (&self->sm, ja_xmpp_sm_free);
  g_queue_clear_full (&self->pending_plain, g_free);
  g_clear_pointer (&self->outbuf, g_byte_array_unref);
  g_clear_pointer (&self->iqs, g_hash_table_unref);
  g_clear_pointer (&self->routes, g_hash_table_unref);
  g_clear_pointer (&self->router, ja_xmpp_router_free);
  g_clear_pointer (&self->features, g_ptr_array_unref);
  g_clear_pointer (&self->features_strv, g_free);
  G_OBJECT_CLASS (ja_xmpp_stream_parent_class)->finalize (object);
}

static void
ja_xmpp_stream_class_init (JaXmppStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ja_xmpp_stream_dispose;
  object_class->finalize = ja_xmpp_stream_finalize;

  signals[SIG_READY] = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[SIG_CONNECTION_LOST] = g_signal_new ("connection-lost",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, G_TYPE_ERROR, G_TYPE_UINT);
  signals[SIG_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
ja_xmpp_stream_init (JaXmppStream *self)
{
  self->outbuf = g_byte_array_new ();
  self->sm = ja_xmpp_sm_new (JA_XMPP_SM_MAX_UNACKED);
  g_queue_init (&self->pending_plain);
  ja_xmpp_stream_stanzas_init (self);
}

JaXmppStream *
ja_xmpp_stream_new (const JaXmppStreamConfig *config)
{
  JaXmppStream *self = g_object_new (JA_TYPE_XMPP_STREAM, NULL);
  g_autoptr (JaJid) jid = NULL;

  copy_config (&self->cfg, config);
  jid = ja_jid_parse (config->jid ? config->jid : "", NULL);
  if (jid != NULL) {
    self->local = g_strdup (jid->local);
    self->domain = g_strdup (jid->domain);
    self->bare_jid = ja_jid_to_bare (jid);
    if (config->resource != NULL)
      self->resource = g_strdup (config->resource);
    else if (jid->resource != NULL)
      self->resource = g_strdup (jid->resource);
  } else {
    self->bare_jid = g_strdup (config->jid ? config->jid : "");
  }
  if (self->resource == NULL)
    self->resource = g_strdup_printf ("jingle-agent-%08x", g_random_int ());
  return self;
}

/* ---- connecting --------------------------------------------------------- */

static void
target_free (gpointer data)
{
  Target *t = data;

  g_free (t->host);
  g_free (t);
}

static void
add_target (JaXmppStream *self, const char *host, guint16 port,
    gboolean direct_tls)
{
  Target *t = g_new0 (Target, 1);

  t->host = g_strdup (host);
  t->port = port;
  t->direct_tls = direct_tls;
  self->targets = g_list_append (self->targets, t);
}

/* Fails the pending connect (or the reconnect in progress). */
static void
connect_failed (JaXmppStream *self, GError *error)
{
  g_autoptr (GError) owned = error;

  drop_connection (self);
  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  if (self->connect_task != NULL) {
    GTask *task = g_steal_pointer (&self->connect_task);

    ja_xmpp_stream_set_state (self, ST_CLOSED);
    g_task_return_error (task, g_steal_pointer (&owned));
    g_object_unref (task);
    return;
  }
  /* A reconnect that failed: try again later, except when the account
   * itself was refused. */
  connection_lost (self, g_steal_pointer (&owned));
}

static gboolean
connect_timeout_cb (gpointer user_data)
{
  JaXmppStream *self = user_data;

  self->connect_timeout_id = 0;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  connect_failed (self, g_error_new (JA_XMPP_STREAM_ERROR,
          JA_XMPP_STREAM_ERROR_TIMEOUT,
          "no XMPP session with %s after %u ms (stuck in %s)", self->domain,
          self->cfg.connect_timeout_ms, state_names[self->state]));
  return G_SOURCE_REMOVE;
}

static gboolean
socket_in_cb (GSocket *socket, GIOCondition cond, gpointer user_data);

void
ja_xmpp_stream_start_tls (JaXmppStream *self)
{
  JaTlsOptions opts = {
    .server_name = self->domain,
    .ca_file = self->cfg.ca_file,
    .system_trust = !self->cfg.no_system_trust,
    .pin_sha256 = self->cfg.pin_sha256,
    .priority = self->cfg.tls_priority,
  };
  GError *error = NULL;

  if (ja_xmpp_stream_is_direct (self))
    ja_xmpp_stream_direct_tls_options (self, &opts);
  g_clear_pointer (&self->tls, ja_tls_free);
  if (self->cfg.direct_listen != NULL)
    self->tls = ja_tls_new_server (g_socket_get_fd (self->socket), &opts,
        &error);
  else
    self->tls = ja_tls_new_client (g_socket_get_fd (self->socket), &opts,
        &error);
  if (self->tls == NULL) {
    connect_failed (self, error);
    return;
  }
  ja_xmpp_stream_set_state (self, ST_TLS_HANDSHAKE);
  ja_xmpp_stream_drive_handshake (self);
}

void
ja_xmpp_stream_drive_handshake (JaXmppStream *self)
{
  GError *error = NULL;

  switch (ja_tls_handshake (self->tls, &error)) {
  case JA_TLS_AGAIN:
    if (ja_tls_wants_write (self->tls))
      ja_xmpp_stream_want_write (self);
    return;
  case JA_TLS_FAILED:
    connect_failed (self, error);
    return;
  case JA_TLS_DONE:
    break;
  }
  self->tls_active = TRUE;
  g_free (self->tls_version);
  self->tls_version = g_strdup (ja_tls_get_version (self->tls));
  g_free (self->tls_cipher);
  self->tls_cipher = ja_tls_get_cipher (self->tls);
  g_free (self->tls_verification);
  self->tls_verification = g_strdup (ja_tls_get_verification (self->tls));
  g_info ("stream %s: %s %s; %s", self->bare_jid, self->tls_version,
      self->tls_cipher, self->tls_verification);
  ja_xml_stream_parser_reset (self->parser);
  if (self->cfg.direct_listen != NULL) {
    /* Serverless, accepting: the peer speaks first. */
    ja_xmpp_stream_set_state (self, ST_WAIT_FEATURES);
    return;
  }
  if (self->cfg.direct_peer != NULL) {
    if (!ja_xmpp_stream_direct_check_peer (self, self->cfg.direct_peer,
            &error)) {
      connect_failed (self, error);
      return;
    }
    ja_xmpp_stream_direct_send_header (self);
    return;
  }
  send_stream_header (self);
}

static void
connected_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  JaXmppStream *self = user_data;
  GError *error = NULL;
  GSocketConnection *conn;
  Target *t;
  g_autoptr (GSocketAddress) remote = NULL;

  conn = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), res,
      &error);
  if (conn == NULL) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      g_error_free (error);
      g_object_unref (self);
      return;
    }
    t = self->targets->data;
    g_debug ("stream %s: %s:%u: %s", self->bare_jid, t->host, t->port,
        error->message);
    g_free (self->last_connect_error);
    self->last_connect_error = g_strdup_printf ("%s:%u: %s", t->host, t->port,
        error->message);
    g_error_free (error);
    target_free (self->targets->data);
    self->targets = g_list_delete_link (self->targets, self->targets);
    try_next_target (self);
    g_object_unref (self);
    return;
  }

  t = self->targets->data;
  self->conn = conn;
  self->socket = g_socket_connection_get_socket (conn);
  g_socket_set_blocking (self->socket, FALSE);
  /* Stanzas are small and latency matters more than packet count. */
  g_socket_set_option (self->socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  remote = g_socket_connection_get_remote_address (conn, NULL);
  g_free (self->remote_address);
  self->remote_address = NULL;
  self->remote_is_loopback = FALSE;
  if (G_IS_INET_SOCKET_ADDRESS (remote)) {
    GInetAddress *addr =
        g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote));
    g_autofree char *ip = g_inet_address_to_string (addr);

    self->remote_is_loopback = g_inet_address_get_is_loopback (addr);
    self->remote_address = g_strdup_printf (
        g_inet_address_get_family (addr) == G_SOCKET_FAMILY_IPV6 ?
        "[%s]:%u" : "%s:%u", ip,
        g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote)));
  }
  self->direct_tls_now = t->direct_tls;
  ja_xmpp_stream_start_input (self);
  g_info ("stream %s: connected to %s (%s)", self->bare_jid,
      self->remote_address ? self->remote_address : t->host,
      t->direct_tls ? "direct TLS" : "STARTTLS");
  if (self->cfg.direct_peer != NULL && !t->direct_tls) {
    if (!self->remote_is_loopback) {
      connect_failed (self, g_error_new (JA_XMPP_STREAM_ERROR,
              JA_XMPP_STREAM_ERROR_PLAINTEXT, "--insecure-plaintext is only "
              "for loopback peers, not %s", self->remote_address));
    } else {
      g_message ("PLAINTEXT stream to %s (--insecure-plaintext)",
          self->remote_address);
      ja_xmpp_stream_direct_send_header (self);
    }
  } else if (t->direct_tls) {
    ja_xmpp_stream_start_tls (self);
  } else {
    send_stream_header (self);
  }
  g_object_unref (self);
}

void
ja_xmpp_stream_start_input (JaXmppStream *self)
{
  self->parser = ja_xml_stream_parser_new (NULL, &parser_callbacks, self);
  self->in_source = g_socket_create_source (self->socket,
      G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (self->in_source, G_SOURCE_FUNC (socket_in_cb), self,
      NULL);
  g_source_attach (self->in_source, g_main_context_get_thread_default ());
}

static void
try_next_target (JaXmppStream *self)
{
  g_autoptr (GSocketClient) client = NULL;
  Target *t;

  if (self->targets == NULL) {
    connect_failed (self, g_error_new (JA_XMPP_STREAM_ERROR,
            JA_XMPP_STREAM_ERROR_CONNECT, "cannot connect to %s: %s",
            self->domain, self->last_connect_error ? self->last_connect_error
            : "no address to try"));
    return;
  }
  t = self->targets->data;
  ja_xmpp_stream_set_state (self, ST_CONNECTING);
  client = g_socket_client_new ();
  g_socket_client_set_timeout (client, (self->cfg.connect_timeout_ms + 999)
      / 1000);
  g_socket_client_connect_to_host_async (client, t->host, t->port,
      self->cancellable, connected_cb, g_object_ref (self));
}

static void srv_done (JaXmppStream *self);

static void
srv_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  JaXmppStream *self = user_data;
  g_autoptr (GError) error = NULL;
  GList *targets = g_resolver_lookup_service_finish (G_RESOLVER (source), res,
      &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_object_unref (self);
    return;
  }
  for (GList *l = targets; l != NULL; l = l->next) {
    const char *host = g_srv_target_get_hostname (l->data);

    /* "." means the service is decidedly not available (RFC 2782). */
    if (g_str_equal (host, ".") || host[0] == '\0')
      continue;
    add_target (self, host, g_srv_target_get_port (l->data),
        self->srv_step == 0);
  }
  g_resolver_free_targets (targets);
  self->srv_step++;
  srv_done (self);
  g_object_unref (self);
}

/* XEP-0368: _xmpps-client (direct TLS) first, then _xmpp-client, then the
 * domain itself on 5222 (RFC 6120 §3.2.2). */
static void
srv_done (JaXmppStream *self)
{
  g_autoptr (GResolver) resolver = g_resolver_get_default ();

  if (self->srv_step < 2) {
    g_resolver_lookup_service_async (resolver,
        self->srv_step == 0 ? "xmpps-client" : "xmpp-client", "tcp",
        self->domain, self->cancellable, srv_cb, g_object_ref (self));
    return;
  }
  if (self->targets == NULL)
    add_target (self, self->domain, 5222, FALSE);
  try_next_target (self);
}

void
ja_xmpp_stream_arm_connect_timeout (JaXmppStream *self)
{
  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  self->connect_timeout_id = g_timeout_add (self->cfg.connect_timeout_ms,
      connect_timeout_cb, self);
}

/* Serverless: listen, or aim at the one peer. */
static void
start_direct (JaXmppStream *self)
{
  GError *error = NULL;
  g_autoptr (GSocketConnectable) addr = NULL;

  if (self->cfg.direct_peer != NULL) {
    addr = g_network_address_parse (self->cfg.direct_peer, 0, &error);
    if (addr == NULL || g_network_address_get_port (
            G_NETWORK_ADDRESS (addr)) == 0) {
      g_clear_error (&error);
      connect_failed (self, g_error_new (G_IO_ERROR,
              G_IO_ERROR_INVALID_ARGUMENT,
              "--peer takes ADDRESS:PORT, not '%s'", self->cfg.direct_peer));
      return;
    }
  }
  if (!ja_xmpp_stream_direct_start (self, &error)) {
    connect_failed (self, error);
    return;
  }
  if (self->cfg.direct_listen != NULL) {
    g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
    if (self->connect_task != NULL) {
      GTask *task = g_steal_pointer (&self->connect_task);

      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
    return;
  }
  add_target (self, g_network_address_get_hostname (G_NETWORK_ADDRESS (addr)),
      g_network_address_get_port (G_NETWORK_ADDRESS (addr)),
      !self->cfg.insecure_plaintext);
  try_next_target (self);
}

static void
start_connection (JaXmppStream *self)
{
  drop_connection (self);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->last_connect_error, g_free);
  ja_xmpp_stream_arm_connect_timeout (self);
  if (ja_xmpp_stream_is_direct (self)) {
    start_direct (self);
    return;
  }
  if (self->cfg.server_host != NULL) {
    guint16 port = self->cfg.server_port;

    if (port == 0)
      port = self->cfg.direct_tls ? 5223 : 5222;
    add_target (self, self->cfg.server_host, port, self->cfg.direct_tls);
    try_next_target (self);
    return;
  }
  ja_xmpp_stream_set_state (self, ST_RESOLVING);
  self->srv_step = 0;
  srv_done (self);
}

void
ja_xmpp_stream_connect_async (JaXmppStream *self, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, ja_xmpp_stream_connect_async);
  if (self->domain == NULL || self->local == NULL) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "'%s' is not a valid account JID (expected user@domain)",
        self->bare_jid);
    g_object_unref (task);
    return;
  }
  if (self->connect_task != NULL || self->state != ST_IDLE) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
        "already connecting or connected");
    g_object_unref (task);
    return;
  }
  self->connect_task = task;
  start_connection (self);
}

gboolean
ja_xmpp_stream_connect_finish (JaXmppStream *self, GAsyncResult *res,
    GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

/* ---- reconnecting ------------------------------------------------------- */

static gboolean
reconnect_cb (gpointer user_data)
{
  JaXmppStream *self = user_data;

  self->reconnect_id = 0;
  self->reconnect_attempts++;
  g_info ("stream %s: reconnecting (attempt %u)", self->bare_jid,
      self->reconnect_attempts);
  start_connection (self);
  return G_SOURCE_REMOVE;
}

static gboolean
is_final_error (const GError *error)
{
  return error->domain == JA_XMPP_STREAM_ERROR
      && (error->code == JA_XMPP_STREAM_ERROR_AUTH
          || error->code == JA_XMPP_STREAM_ERROR_CERTIFICATE
          || error->code == JA_XMPP_STREAM_ERROR_NO_MECHANISM
          || error->code == JA_XMPP_STREAM_ERROR_PLAINTEXT
          || error->code == JA_XMPP_STREAM_ERROR_CANCELLED);
}

static gboolean
direct_lost_cb (gpointer user_data)
{
  JaXmppStream *self = user_data;
  g_autoptr (GError) error = g_steal_pointer (&self->lost_error);
  g_autoptr (JaXmppStream) keep = g_object_ref (self);
  (void) keep;   /* held across handlers that may drop the last ref */

  self->lost_idle_id = 0;
  if (self->state != ST_DISCONNECTED)
    return G_SOURCE_REMOVE;     /* closed by us meanwhile */
  ja_xmpp_stream_set_state (self, ST_CLOSED);
  ja_xmpp_stream_fail_all_iqs (self, JA_XMPP_STREAM_ERROR_CLOSED,
      error->message);
  g_signal_emit (self, signals[SIG_CLOSED], 0, error);
  return G_SOURCE_REMOVE;
}

static void
connection_lost (JaXmppStream *self, GError *error)
{
  g_autoptr (GError) owned = error;
  g_autoptr (JaXmppStream) keep = g_object_ref (self);
  (void) keep;   /* held across handlers that may drop the last ref */
  guint delay;

  drop_connection (self);
  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  g_clear_handle_id (&self->keepalive_id, g_source_remove);

  if (self->state == ST_CLOSING || self->state == ST_CLOSED) {
    ja_xmpp_stream_finish_close (self);
    return;
  }
  if (self->cfg.direct_listen != NULL) {
    /* Serverless, accepting: that peer is gone; wait for the next. */
    ja_xmpp_stream_direct_peer_gone (self, owned);
    return;
  }
  if (self->cfg.direct_peer != NULL && self->state == ST_READY
      && g_error_matches (owned, JA_XMPP_STREAM_ERROR,
          JA_XMPP_STREAM_ERROR_CLOSED)) {
    /* Serverless, connecting: the peer hung up (often right after the
     * last stanza of a session, read in the same chunk). Its sessions
     * learn it first; "closed" follows once what was read is handled. */
    ja_xmpp_stream_set_state (self, ST_DISCONNECTED);
    ja_xmpp_stream_direct_unavailable (self, self->peer_jid);
    g_clear_error (&self->lost_error);
    self->lost_error = g_steal_pointer (&owned);
    g_clear_handle_id (&self->lost_idle_id, g_source_remove);
    self->lost_idle_id = g_idle_add (direct_lost_cb, self);
    return;
  }
  if (self->cfg.no_reconnect || is_final_error (owned)) {
    ja_xmpp_stream_set_state (self, ST_CLOSED);
    ja_xmpp_stream_fail_all_iqs (self, JA_XMPP_STREAM_ERROR_CLOSED,
        owned->message);
    g_signal_emit (self, signals[SIG_CLOSED], 0, owned);
    return;
  }

  /* Exponential backoff with jitter: 250 ms doubling to 30 s. */
  if (self->backoff_ms == 0)
    self->backoff_ms = 250;
  else
    self->backoff_ms = MIN (self->backoff_ms * 2, 30000);
  delay = self->backoff_ms / 2 + g_random_int_range (0, self->backoff_ms / 2 + 1);
  ja_xmpp_stream_set_state (self, ST_DISCONNECTED);
  g_info ("stream %s: connection lost (%s); retrying in %u ms, %u stanzas "
      "waiting", self->bare_jid, owned->message, delay,
      ja_xmpp_sm_get_n_unacked (self->sm)
      + g_queue_get_length (&self->pending_plain));
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  self->reconnect_id = g_timeout_add (delay, reconnect_cb, self);
  g_signal_emit (self, signals[SIG_CONNECTION_LOST], 0, owned, delay);
}

/* A failure while negotiating or while ready. */
void
ja_xmpp_stream_fail (JaXmppStream *self, GError *error)
{
  if (self->connect_task != NULL)
    connect_failed (self, error);
  else
    connection_lost (self, error);
}

static void
send_stream_header (JaXmppStream *self)
{
  g_autofree char *header = NULL;

  /* RFC 6120 §4.7.1: 'from' only once the stream is confidential. */
  header = g_strdup_printf ("<?xml version='1.0'?><stream:stream "
      "xmlns='" JA_NS_CLIENT "' xmlns:stream='" JA_NS_STREAMS "' "
      "to='%s'%s%s%s version='1.0' xml:lang='en'>", self->domain,
      self->tls_active ? " from='" : "", self->tls_active ? self->bare_jid : "",
      self->tls_active ? "'" : "");
  if (self->wire_log != NULL) {
    g_autoptr (JaXmlNode) node = ja_xml_node_new ("stream", JA_NS_STREAMS);

    node->prefix = g_strdup ("stream");
    ja_xml_node_set_attr (node, "to", self->domain);
    ja_xml_node_set_attr (node, "version", "1.0");
    ja_xmpp_stream_log_wire (self, JA_XMPP_WIRE_SENT, node);
  }
  ja_xmpp_stream_set_state (self, ST_WAIT_FEATURES);
  ja_xmpp_stream_write_raw (self, header, strlen (header));
}

/* ---- input -------------------------------------------------------------- */

static void
handle_restart (JaXmppStream *self)
{
  Restart r = self->restart;

  self->restart = RESTART_NONE;
  if (r == RESTART_TLS) {
    ja_xmpp_stream_start_tls (self);
  } else if (r == RESTART_STREAM) {
    ja_xml_stream_parser_reset (self->parser);
    send_stream_header (self);
  }
}

static gboolean
socket_in_cb (GSocket *socket, GIOCondition cond, gpointer user_data)
{
  JaXmppStream *self = user_data;
  g_autoptr (JaXmppStream) keep = g_object_ref (self);
  (void) keep;   /* held across handlers that may drop the last ref */
  guint8 buf[32768];

  if (self->state == ST_ACCEPTING && !ja_xmpp_stream_direct_sniff (self)) {
    ja_xmpp_stream_fail (self, g_steal_pointer (&self->fatal));
    return G_SOURCE_REMOVE;
  }
  if (self->state == ST_ACCEPTING)
    return G_SOURCE_CONTINUE;
  if (self->state == ST_TLS_HANDSHAKE) {
    ja_xmpp_stream_drive_handshake (self);
    return G_SOURCE_CONTINUE;
  }

  while (self->socket != NULL && self->restart == RESTART_NONE) {
    GError *error = NULL;
    gssize n;

    if (self->tls_active)
      n = ja_tls_recv (self->tls, buf, sizeof buf, &error);
    else
      n = g_socket_receive_with_blocking (self->socket, (char *) buf,
          sizeof buf, FALSE, NULL, &error);
    if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
      g_error_free (error);
      break;
    }
    if (n <= 0) {
      GError *lost = g_error_new (JA_XMPP_STREAM_ERROR,
          JA_XMPP_STREAM_ERROR_CLOSED, "connection to %s %s%s",
          self->remote_address ? self->remote_address : self->domain,
          n == 0 ? "closed by the peer" : "failed: ",
          n == 0 ? "" : error->message);

      g_clear_error (&error);
      ja_xmpp_stream_fail (self, lost);
      return G_SOURCE_REMOVE;   /* the source was destroyed */
    }
    self->last_rx_us = g_get_monotonic_time ();
    self->probe_sent_us = 0;
    /* Prosody writes with Nagle on: if our ACKs are delayed, its next
     * small write waits for them (40–200 ms per exchange). Ask the kernel
     * to acknowledge at once; the flag does not stick, so set it per read. */
    g_socket_set_option (self->socket, IPPROTO_TCP, TCP_QUICKACK, 1, NULL);
    if (!ja_xml_stream_parser_feed (self->parser, buf, n, &error)) {
      g_autofree char *msg = g_strdup (error->message);

      ja_xmpp_stream_send_stream_error (self,
          ja_xml_error_to_stream_condition (error->code), msg);
      g_error_free (error);
      ja_xmpp_stream_fail (self, g_error_new (JA_XMPP_STREAM_ERROR,
              JA_XMPP_STREAM_ERROR_PROTOCOL, "peer sent bad XML: %s", msg));
      return G_SOURCE_REMOVE;
    }
    if (self->fatal != NULL) {
      ja_xmpp_stream_fail (self, g_steal_pointer (&self->fatal));
      return G_SOURCE_REMOVE;
    }
    if (self->socket == NULL)   /* closed from a handler */
      return G_SOURCE_REMOVE;
  }
  if (self->restart != RESTART_NONE)
    handle_restart (self);
  return self->in_source != NULL ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

void
ja_xmpp_stream_send_stream_error (JaXmppStream *self, const char *condition,
    const char *text)
{
  g_autoptr (JaXmlNode) err = ja_xml_node_new ("error", JA_NS_STREAMS);
  JaXmlNode *c;

  err->prefix = g_strdup ("stream");
  ja_xml_node_add_new (err, condition, JA_NS_STREAM_ERRORS);
  if (text != NULL) {
    c = ja_xml_node_add_new (err, "text", JA_NS_STREAM_ERRORS);
    ja_xml_node_set_text (c, text);
  }
  ja_xmpp_stream_write_element (self, err);
  ja_xmpp_stream_write_raw (self, "</stream:stream>", -1);
  ja_xmpp_stream_flush (self);
}

static void
stream_start_cb (gpointer user_data, const JaXmlNode *header)
{
  JaXmppStream *self = user_data;

  ja_xmpp_stream_log_wire (self, JA_XMPP_WIRE_RECEIVED, header);
  g_free (self->stream_id);
  self->stream_id = g_strdup (ja_xml_node_get_attr (header, "id"));
  if (g_strcmp0 (header->ns, JA_NS_STREAMS) != 0
      || g_strcmp0 (header->name, "stream") != 0) {
    ja_xmpp_stream_set_fatal (self, g_error_new (JA_XMPP_STREAM_ERROR,
            JA_XMPP_STREAM_ERROR_PROTOCOL, "peer did not open an XMPP stream"));
    return;
  }
  if (ja_xmpp_stream_is_direct (self))
    ja_xmpp_stream_direct_header (self, header);
}

static void
stream_end_cb (gpointer user_data)
{
  JaXmppStream *self = user_data;

  if (self->state == ST_CLOSING) {
    self->peer_closed = TRUE;
    ja_xml_stream_parser_stop (self->parser);
    ja_xmpp_stream_set_fatal (self, g_error_new_literal (JA_XMPP_STREAM_ERROR,
            JA_XMPP_STREAM_ERROR_CANCELLED, "closed"));
    return;
  }
  if (ja_xmpp_stream_is_direct (self) && self->socket != NULL) {
    /* RFC 6120 §4.4: answer the peer's close with ours. */
    ja_xmpp_stream_write_raw (self, "</stream:stream>", -1);
    ja_xmpp_stream_flush (self);
  }
  ja_xmpp_stream_set_fatal (self, g_error_new (JA_XMPP_STREAM_ERROR,
          JA_XMPP_STREAM_ERROR_CLOSED, "%s closed the XMPP stream",
          ja_xmpp_stream_peer_name (self)));
}

/* Whom the stream talks to, for messages: the server, or the direct peer. */
const char *
ja_xmpp_stream_peer_name (JaXmppStream *self)
{
  if (!ja_xmpp_stream_is_direct (self))
    return self->domain;
  if (self->peer_jid != NULL)
    return self->peer_jid;
  if (self->remote_address != NULL)
    return self->remote_address;
  return self->cfg.direct_peer ? self->cfg.direct_peer : "the peer";
}

void
ja_xmpp_stream_set_fatal (JaXmppStream *self, GError *error)
{
  if (self->fatal == NULL)
    self->fatal = error;
  else
    g_error_free (error);
  if (self->parser != NULL)
    ja_xml_stream_parser_stop (self->parser);
}

static void
element_cb (gpointer user_data, JaXmlNode *node)
{
  JaXmppStream *self = user_data;
  g_autoptr (JaXmlNode) owned = node;
  (void) owned;

  if (self->fatal != NULL)
    return;
  ja_xmpp_stream_log_wire (self, JA_XMPP_WIRE_RECEIVED, node);
  if (g_strcmp0 (node->ns, JA_NS_CLIENT) == 0) {
    if (ja_xmpp_stream_is_direct (self))
      ja_xmpp_stream_direct_stamp (self, node);
    ja_xmpp_stream_handle_stanza (self, node);
    return;
  }
  ja_xmpp_stream_handle_nonza (self, node);
}

/* ---- shutdown ----------------------------------------------------------- */

void
ja_xmpp_stream_finish_close (JaXmppStream *self)
{
  GTask *task = g_steal_pointer (&self->close_task);

  clear_timers (self);
  drop_connection (self);
  ja_xmpp_stream_direct_stop (self);
  ja_xmpp_stream_set_state (self, ST_CLOSED);
  ja_xmpp_stream_fail_all_iqs (self, JA_XMPP_STREAM_ERROR_CANCELLED,
      "the stream was closed");
  if (task != NULL) {
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
  }
  g_signal_emit (self, signals[SIG_CLOSED], 0, NULL);
}

static gboolean
close_timeout_cb (gpointer user_data)
{
  JaXmppStream *self = user_data;

  self->close_timeout_id = 0;
  ja_xmpp_stream_finish_close (self);
  return G_SOURCE_REMOVE;
}

void
ja_xmpp_stream_close_async (JaXmppStream *self, GAsyncReadyCallback callback,
    gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  if (self->close_task != NULL || self->state == ST_CLOSED
      || self->state == ST_IDLE) {
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
    return;
  }
  self->close_task = task;
  if (self->connect_task != NULL) {
    GTask *ct = g_steal_pointer (&self->connect_task);

    g_task_return_new_error (ct, JA_XMPP_STREAM_ERROR,
        JA_XMPP_STREAM_ERROR_CANCELLED, "closed before the session was ready");
    g_object_unref (ct);
  }
  if (self->socket == NULL || self->state != ST_READY) {
    ja_xmpp_stream_set_state (self, ST_CLOSING);
    ja_xmpp_stream_finish_close (self);
    return;
  }
  {
    g_autoptr (JaXmlNode) pres = ja_xml_node_new ("presence", NULL);

    ja_xml_node_set_attr (pres, "type", "unavailable");
    ja_xmpp_stream_write_element (self, pres);
  }
  ja_xmpp_stream_set_state (self, ST_CLOSING);
  /* RFC 6120 §4.4: close our side, then wait for the peer's </stream>. */
  ja_xmpp_stream_write_raw (self, "</stream:stream>", -1);
  ja_xmpp_stream_flush (self);
  self->close_timeout_id = g_timeout_add (2000, close_timeout_cb, self);
}

gboolean
ja_xmpp_stream_close_finish (JaXmppStream *self, GAsyncResult *res,
    GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

/* ---- becoming ready ----------------------------------------------------- */

static gboolean
keepalive_cb (gpointer user_data)
{
  JaXmppStream *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 idle = now - self->last_rx_us;
  gint64 limit = (gint64) self->cfg.keepalive_s * G_USEC_PER_SEC;

  if (self->state != ST_READY)
    return G_SOURCE_CONTINUE;
  if (self->probe_sent_us != 0 && now - self->probe_sent_us >= limit / 2) {
    self->keepalive_id = 0;
    connection_lost (self, g_error_new (JA_XMPP_STREAM_ERROR,
            JA_XMPP_STREAM_ERROR_TIMEOUT,
            "no data from %s for %" G_GINT64_FORMAT " s", self->domain,
            idle / G_USEC_PER_SEC));
    return G_SOURCE_REMOVE;
  }
  if (self->probe_sent_us == 0 && idle >= limit) {
    /* Any answer refreshes last_rx: <r/> with XEP-0198, else a ping. */
    self->probe_sent_us = now;
    if (self->sm_enabled)
      ja_xmpp_stream_write_raw (self, "<r xmlns='" JA_NS_SM "'/>", -1);
    else
      ja_xmpp_stream_send_ping_probe (self);
  }
  return G_SOURCE_CONTINUE;
}

void
ja_xmpp_stream_became_ready (JaXmppStream *self, gboolean resumed)
{
  g_autoptr (JaXmppStream) keep = g_object_ref (self);
  (void) keep;   /* held across handlers that may drop the last ref */

  ja_xmpp_stream_set_state (self, ST_READY);
  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  self->backoff_ms = 0;
  self->reconnect_attempts = 0;
  self->last_rx_us = g_get_monotonic_time ();
  self->probe_sent_us = 0;
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  self->keepalive_id = g_timeout_add_seconds (
      MAX (1, self->cfg.keepalive_s / 4), keepalive_cb, self);
  if (self->connect_task != NULL) {
    GTask *task = g_steal_pointer (&self->connect_task);

    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
  }
  g_signal_emit (self, signals[SIG_READY], 0, resumed);
}

/* ---- accessors ---------------------------------------------------------- */

void
ja_xmpp_stream_set_wire_log (JaXmppStream *self, JaXmppWireLogFunc func,
    gpointer user_data)
{
  self->wire_log = func;
  self->wire_log_data = user_data;
}

const char *
ja_xmpp_stream_get_bound_jid (JaXmppStream *self)
{
  return self->bound_jid;
}

const char *
ja_xmpp_stream_get_domain (JaXmppStream *self)
{
  return self->domain;
}

const char *
ja_xmpp_stream_get_tls_version (JaXmppStream *self)
{
  return self->tls_version;
}

char *
ja_xmpp_stream_dup_tls_cipher (JaXmppStream *self)
{
  return g_strdup (self->tls_cipher);
}

const char *
ja_xmpp_stream_get_tls_verification (JaXmppStream *self)
{
  return self->tls_verification;
}

const char *
ja_xmpp_stream_get_sasl_mechanism (JaXmppStream *self)
{
  return self->sasl_mechanism;
}

const char *
ja_xmpp_stream_get_cb_type (JaXmppStream *self)
{
  return self->cb_type;
}

const char *
ja_xmpp_stream_get_remote_address (JaXmppStream *self)
{
  return self->remote_address;
}

gboolean
ja_xmpp_stream_is_direct_tls (JaXmppStream *self)
{
  return self->direct_tls_now;
}

gboolean
ja_xmpp_stream_sm_enabled (JaXmppStream *self)
{
  return self->sm_enabled;
}

gboolean
ja_xmpp_stream_sm_resumable (JaXmppStream *self)
{
  return self->sm_resumable;
}

gboolean
ja_xmpp_stream_is_ready (JaXmppStream *self)
{
  return self->state == ST_READY;
}

const JaXmlNode *
ja_xmpp_stream_get_server_features (JaXmppStream *self)
{
  return self->server_features;
}

guint
ja_xmpp_stream_get_n_unacked (JaXmppStream *self)
{
  return ja_xmpp_sm_get_n_unacked (self->sm);
}
