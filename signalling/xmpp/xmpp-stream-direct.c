/* xmpp-stream-direct.c — serverless streams (XEP-0174 semantics): the same
 * JaXmppStream, but connected straight to another agent instead of a
 * server. No SASL and no resource binding: each side names itself in the
 * 'from' of its stream header (RFC 6120 §4.7; XEP-0174 §2.5), and that
 * name is the peer's JID for everything above the stream.
 *
 * Connecting side (--peer HOST:PORT): TCP, then TLS from the first byte
 * with our own certificate, then our header; the accepting side answers
 * with its header and empty <stream:features/>, and the session begins.
 * Accepting side (--listen HOST:PORT): one peer at a time; the first byte
 * tells a TLS ClientHello (0x16) from plaintext XML ('<'). A plaintext
 * peer gets <policy-violation/> unless both sides allow plaintext
 * (--insecure-plaintext, loopback only). When the peer goes, its
 * unavailable presence is delivered for it, and the next peer may come.
 *
 * Both sides present self-signed certificates (mutual TLS) and check the
 * peer's SHA-256: against --peer-fingerprint when given, else against the
 * known-peers file, keyed by the address dialled (connecting side) or the
 * peer's JID (accepting side). The first contact records it; a different
 * one is refused (JA_XMPP_STREAM_ERROR_PEER_CHANGED). A server's habit of
 * stamping 'from' on what it delivers is taken over here: every stanza
 * from the peer gets from=<its JID> and to=<ours>, so nothing above can be
 * told otherwise. */
#include "signalling/xmpp/xmpp-stream-private.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "signalling/xmpp/jid.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-identity.h"

gboolean
ja_xmpp_stream_is_direct (JaXmppStream *self)
{
  return self->cfg.direct_peer != NULL || self->cfg.direct_listen != NULL;
}

gboolean
ja_xmpp_stream_is_direct_listener (JaXmppStream *self)
{
  return self->cfg.direct_listen != NULL;
}

const char *
ja_xmpp_stream_get_peer_jid (JaXmppStream *self)
{
  return self->peer_jid;
}

const char *
ja_xmpp_stream_get_peer_sha256 (JaXmppStream *self)
{
  return self->peer_sha256;
}

const char *
ja_xmpp_stream_get_own_sha256 (JaXmppStream *self)
{
  return self->own_sha256;
}

const char *
ja_xmpp_stream_get_listen_address (JaXmppStream *self)
{
  return self->listen_address;
}

static const char *
identity_file (JaXmppStream *self)
{
  if (self->cfg.identity_file == NULL) {
    g_autofree char *dir = ja_xmpp_identity_default_dir ();

    self->cfg.identity_file = g_build_filename (dir, "identity.pem", NULL);
  }
  return self->cfg.identity_file;
}

static const char *
known_peers_file (JaXmppStream *self)
{
  if (self->cfg.known_peers_file == NULL) {
    g_autofree char *dir = ja_xmpp_identity_default_dir ();

    self->cfg.known_peers_file = g_build_filename (dir, "known_peers", NULL);
  }
  return self->cfg.known_peers_file;
}

void
ja_xmpp_stream_direct_tls_options (JaXmppStream *self, JaTlsOptions *opts)
{
  memset (opts, 0, sizeof *opts);
  opts->identity_file = identity_file (self);
  opts->direct = TRUE;
  opts->priority = self->cfg.tls_priority;
}

/* Our certificate (made on first use) and its SHA-256. */
static gboolean
load_identity (JaXmppStream *self, GError **error)
{
  gboolean created = FALSE;

  if (self->own_sha256 != NULL)
    return TRUE;
  if (!ja_xmpp_identity_ensure (identity_file (self), self->bare_jid,
          &self->own_sha256, &created, error))
    return FALSE;
  if (created)
    g_message ("created the identity %s (certificate SHA-256 %s)",
        identity_file (self), self->own_sha256);
  return TRUE;
}

/* The peer's certificate against the pin or the known peers. */
gboolean
ja_xmpp_stream_direct_check_peer (JaXmppStream *self, const char *key,
    GError **error)
{
  g_autofree char *have = ja_tls_get_peer_sha256 (self->tls);
  g_autofree char *recorded = NULL;
  const char *file = known_peers_file (self);

  if (have == NULL) {
    g_set_error (error, JA_XMPP_STREAM_ERROR,
        JA_XMPP_STREAM_ERROR_CERTIFICATE, "%s presented no certificate", key);
    return FALSE;
  }
  g_free (self->peer_sha256);
  self->peer_sha256 = g_strdup (have);
  if (self->cfg.peer_fingerprint != NULL) {
    g_autofree char *want = ja_xmpp_fingerprint_normalize (
        self->cfg.peer_fingerprint);

    if (!g_str_equal (want, have)) {
      g_set_error (error, JA_XMPP_STREAM_ERROR,
          JA_XMPP_STREAM_ERROR_PEER_CHANGED,
          "PEER CERTIFICATE MISMATCH: %s presents SHA-256 %s, not the one "
          "pinned with --peer-fingerprint (%s); refusing it", key, have, want);
      return FALSE;
    }
    g_info ("stream %s: %s matches --peer-fingerprint", self->bare_jid, key);
    return TRUE;
  }
  recorded = ja_known_peers_find (file, key);
  if (recorded == NULL) {
    if (!ja_known_peers_add (file, key, have, error))
      return FALSE;
    g_message ("first contact with %s: recorded its certificate SHA-256 %s "
        "in %s", key, have, file);
    return TRUE;
  }
  if (!g_str_equal (recorded, have)) {
    g_set_error (error, JA_XMPP_STREAM_ERROR,
        JA_XMPP_STREAM_ERROR_PEER_CHANGED,
        "PEER CERTIFICATE CHANGED: %s now presents SHA-256 %s, but %s "
        "records %s; refusing it (someone may be intercepting; if the peer "
        "really has a new identity, delete its line there)", key, have, file,
        recorded);
    return FALSE;
  }
  g_info ("stream %s: %s is the known peer", self->bare_jid, key);
  return TRUE;
}

static void
write_header (JaXmppStream *self, const char *to, const char *id)
{
  g_autofree char *from_esc = g_markup_escape_text (self->bound_jid, -1);
  g_autofree char *to_esc = to ? g_markup_escape_text (to, -1) : NULL;
  g_autofree char *header = NULL;

  header = g_strdup_printf ("<?xml version='1.0'?><stream:stream "
      "xmlns='" JA_NS_CLIENT "' xmlns:stream='" JA_NS_STREAMS "' "
      "from='%s'%s%s%s%s%s%s version='1.0' xml:lang='en'>", from_esc,
      to ? " to='" : "", to ? to_esc : "", to ? "'" : "",
      id ? " id='" : "", id ? id : "", id ? "'" : "");
  if (self->wire_log != NULL) {
    g_autoptr (JaXmlNode) node = ja_xml_node_new ("stream", JA_NS_STREAMS);

    node->prefix = g_strdup ("stream");
    ja_xml_node_set_attr (node, "from", self->bound_jid);
    if (to != NULL)
      ja_xml_node_set_attr (node, "to", to);
    ja_xml_node_set_attr (node, "version", "1.0");
    ja_xmpp_stream_log_wire (self, JA_XMPP_WIRE_SENT, node);
  }
  ja_xmpp_stream_write_raw (self, header, -1);
}

/* Connecting side, once TLS is up (or plaintext was agreed). */
void
ja_xmpp_stream_direct_send_header (JaXmppStream *self)
{
  ja_xmpp_stream_set_state (self, ST_WAIT_FEATURES);
  write_header (self, NULL, NULL);
}

static void
refuse (JaXmppStream *self, int code, const char *condition, char *text)
{
  g_autofree char *owned = text;

  ja_xmpp_stream_send_stream_error (self, condition, owned);
  ja_xmpp_stream_set_fatal (self, g_error_new (JA_XMPP_STREAM_ERROR, code,
          "%s", owned));
}

/* The peer's stream header: its 'from' is who it is. The accepting side
 * checks its certificate now and answers. */
void
ja_xmpp_stream_direct_header (JaXmppStream *self, const JaXmlNode *header)
{
  const char *from = ja_xml_node_get_attr (header, "from");
  g_autoptr (JaJid) jid = from ? ja_jid_parse (from, NULL) : NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *id = NULL;
  const char *who = self->remote_address ? self->remote_address : "the peer";

  if (jid == NULL || jid->local == NULL) {
    if (self->cfg.direct_listen != NULL)
      write_header (self, NULL, NULL);
    refuse (self, JA_XMPP_STREAM_ERROR_PROTOCOL, "invalid-from",
        g_strdup_printf ("%s did not name itself (user@host) in its stream "
            "header", who));
    return;
  }
  g_free (self->peer_jid);
  self->peer_jid = ja_jid_to_string (jid);
  if (self->cfg.direct_listen == NULL)
    return;     /* the connecting side waits for the features */

  write_header (self, self->peer_jid, (id = g_strdup_printf ("%08x%08x",
              g_random_int (), g_random_int ())));
  key = ja_jid_to_bare (jid);
  if (self->tls_active && !ja_xmpp_stream_direct_check_peer (self, key,
          &error)) {
    g_message ("refused %s at %s: %s", self->peer_jid, who, error->message);
    refuse (self, error->code, "not-authorized", g_strdup (error->message));
    return;
  }
  ja_xmpp_stream_write_raw (self, "<stream:features/>", -1);
  g_info ("stream %s: serverless session with %s (%s, %s)", self->bare_jid,
      self->peer_jid, who, self->tls_active ? "TLS" : "PLAINTEXT");
  ja_xmpp_stream_session_started (self, TRUE);
}

/* Connecting side: the accepting side's features end the negotiation. */
void
ja_xmpp_stream_direct_features (JaXmppStream *self)
{
  if (self->peer_jid == NULL || self->cfg.direct_listen != NULL
      || self->state != ST_WAIT_FEATURES) {
    refuse (self, JA_XMPP_STREAM_ERROR_PROTOCOL, "unsupported-stanza-type",
        g_strdup_printf ("%s sent unexpected <stream:features/>",
            ja_xmpp_stream_peer_name (self)));
    return;
  }
  g_info ("stream %s: serverless session with %s (%s, %s)", self->bare_jid,
      self->peer_jid, self->remote_address, self->tls_active ? "TLS"
      : "PLAINTEXT");
  ja_xmpp_stream_session_started (self, TRUE);
}

/* What a server would do: the peer cannot claim to be anyone else. */
void
ja_xmpp_stream_direct_stamp (JaXmppStream *self, JaXmlNode *stanza)
{
  if (self->peer_jid != NULL)
    ja_xml_node_set_attr (stanza, "from", self->peer_jid);
  ja_xml_node_set_attr (stanza, "to", self->bound_jid);
}

/* ---- accepting ---------------------------------------------------------- */

static void accept_next (JaXmppStream *self);

static void
adopt (JaXmppStream *self, GSocketConnection *conn)
{
  g_autoptr (GSocketAddress) remote = NULL;

  self->conn = conn;
  self->socket = g_socket_connection_get_socket (conn);
  g_socket_set_blocking (self->socket, FALSE);
  g_socket_set_option (self->socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  remote = g_socket_connection_get_remote_address (conn, NULL);
  g_clear_pointer (&self->remote_address, g_free);
  g_clear_pointer (&self->peer_jid, g_free);
  g_clear_pointer (&self->peer_sha256, g_free);
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
  self->direct_tls_now = FALSE;
  ja_xmpp_stream_start_input (self);
  ja_xmpp_stream_set_state (self, ST_ACCEPTING);
  g_info ("stream %s: peer connected from %s", self->bare_jid,
      self->remote_address ? self->remote_address : "?");
  ja_xmpp_stream_arm_connect_timeout (self);
}

static void
accepted_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  JaXmppStream *self = user_data;
  g_autoptr (GError) error = NULL;
  GSocketConnection *conn = g_socket_listener_accept_finish (
      G_SOCKET_LISTENER (source), res, NULL, &error);

  /* Cancelled (GTask reports it even when a connection had come) before
   * the stream goes away: self may be gone then. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (conn == NULL) {
    g_message ("listening on %s: %s", self->listen_address, error->message);
    return;
  }
  if (self->conn != NULL || self->state != ST_LISTENING) {
    /* One peer at a time: the next waits for this one to leave. */
    g_message ("refusing a second peer while one is connected");
    g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
    g_object_unref (conn);
  } else {
    adopt (self, conn);
  }
  accept_next (self);
}

static void
accept_next (JaXmppStream *self)
{
  if (self->listener == NULL)
    return;
  /* No reference: direct_stop (from dispose at the latest) cancels it. */
  g_socket_listener_accept_async (self->listener, self->listen_cancellable,
      accepted_cb, self);
}

static gboolean
start_listening (JaXmppStream *self, GError **error)
{
  g_autofree char *host = NULL;
  guint16 port = 0;
  g_autoptr (GInetAddress) addr = NULL;
  g_autoptr (GSocketAddress) sa = NULL;
  g_autoptr (GSocketAddress) effective = NULL;
  const char *spec = self->cfg.direct_listen;
  const char *colon = strrchr (spec, ':');
  guint64 v = 0;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0,
          G_MAXUINT16, &v, NULL)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "--listen takes ADDRESS:PORT, not '%s'", spec);
    return FALSE;
  }
  port = v;
  host = spec[0] == '[' && colon > spec + 1 && colon[-1] == ']'
      ? g_strndup (spec + 1, colon - spec - 2) : g_strndup (spec, colon - spec);
  if (g_str_equal (host, "localhost")) {
    g_free (host);
    host = g_strdup ("127.0.0.1");
  }
  addr = g_inet_address_new_from_string (host);
  if (addr == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "--listen needs an IP address, not '%s'", host);
    return FALSE;
  }
  if (self->cfg.insecure_plaintext && !g_inet_address_get_is_loopback (addr)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "--insecure-plaintext is only for loopback addresses, not %s", host);
    return FALSE;
  }
  sa = g_inet_socket_address_new (addr, port);
  self->listener = g_socket_listener_new ();
  if (!g_socket_listener_add_address (self->listener, sa, G_SOCKET_TYPE_STREAM,
          G_SOCKET_PROTOCOL_TCP, NULL, &effective, error)) {
    g_prefix_error (error, "cannot listen on %s: ", spec);
    g_clear_object (&self->listener);
    return FALSE;
  }
  self->listen_address = g_strdup_printf (
      g_inet_address_get_family (addr) == G_SOCKET_FAMILY_IPV6 ? "[%s]:%u"
      : "%s:%u", host, g_inet_socket_address_get_port (
          G_INET_SOCKET_ADDRESS (effective)));
  self->listen_cancellable = g_cancellable_new ();
  return TRUE;
}

/* Starts (or, after a peer left, resumes) a serverless stream: TRUE when
 * the connecting side goes on to connect (the caller's targets), FALSE
 * when it is done here (listening, or failed into the connect task). */
gboolean
ja_xmpp_stream_direct_start (JaXmppStream *self, GError **error)
{
  if (self->cfg.direct_listen != NULL && self->listener == NULL
      && !start_listening (self, error))
    return FALSE;
  /* A plaintext connecting side shows no certificate. */
  if ((self->cfg.direct_listen != NULL || !self->cfg.insecure_plaintext)
      && !load_identity (self, error))
    return FALSE;
  if (self->bound_jid == NULL)
    self->bound_jid = g_strdup_printf ("%s/%s", self->bare_jid,
        self->resource);
  if (self->cfg.direct_listen == NULL)
    return TRUE;
  ja_xmpp_stream_set_state (self, ST_LISTENING);
  if (!self->accepting) {
    self->accepting = TRUE;
    accept_next (self);
  }
  g_info ("stream %s: listening on %s", self->bare_jid, self->listen_address);
  return TRUE;
}

/* Accepting side, first bytes of a peer: TLS or plaintext? FALSE when the
 * peer is refused (the fatal error is set). */
gboolean
ja_xmpp_stream_direct_sniff (JaXmppStream *self)
{
  guint8 first = 0;
  GInputVector v = { &first, 1 };
  int flags = G_SOCKET_MSG_PEEK;
  g_autoptr (GError) error = NULL;
  GError *lost;
  gssize n;

  n = g_socket_receive_message (self->socket, NULL, &v, 1, NULL, NULL, &flags,
      NULL, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return TRUE;
  if (n <= 0) {
    lost = g_error_new (JA_XMPP_STREAM_ERROR, JA_XMPP_STREAM_ERROR_CLOSED,
        "%s left before saying anything", self->remote_address);
    ja_xmpp_stream_set_fatal (self, lost);
    return FALSE;
  }
  if (first == 0x16) {          /* a TLS handshake record */
    self->direct_tls_now = TRUE;
    ja_xmpp_stream_start_tls (self);
    return TRUE;
  }
  if (first == '<' && self->cfg.insecure_plaintext
      && self->remote_is_loopback) {
    g_message ("peer %s: PLAINTEXT stream (--insecure-plaintext)",
        self->remote_address);
    ja_xmpp_stream_set_state (self, ST_WAIT_FEATURES);
    return TRUE;
  }
  if (first == '<') {
    write_header (self, NULL, NULL);
    ja_xmpp_stream_send_stream_error (self, "policy-violation",
        "this agent requires TLS; plaintext needs --insecure-plaintext on "
        "both sides, on loopback");
    g_message ("refused %s: it spoke plaintext%s", self->remote_address,
        self->cfg.insecure_plaintext ? " from outside loopback"
        : " (we did not pass --insecure-plaintext)");
    ja_xmpp_stream_set_fatal (self, g_error_new (JA_XMPP_STREAM_ERROR,
            JA_XMPP_STREAM_ERROR_PLAINTEXT, "%s spoke plaintext",
            self->remote_address));
    return FALSE;
  }
  ja_xmpp_stream_set_fatal (self, g_error_new (JA_XMPP_STREAM_ERROR,
          JA_XMPP_STREAM_ERROR_PROTOCOL, "%s spoke neither TLS nor XMPP",
          self->remote_address));
  return FALSE;
}

/* Accepting side: the peer left (or was refused). Its sessions learn it
 * through its unavailable presence, then we wait for the next peer. */
void
ja_xmpp_stream_direct_peer_gone (JaXmppStream *self, const GError *why)
{
  g_autofree char *peer = g_steal_pointer (&self->peer_jid);

  g_info ("stream %s: peer %s gone (%s); listening on %s", self->bare_jid,
      peer ? peer : (self->remote_address ? self->remote_address : "?"),
      why->message, self->listen_address);
  g_queue_clear_full (&self->pending_plain, g_free);
  ja_xmpp_stream_fail_all_iqs (self, JA_XMPP_STREAM_ERROR_CLOSED,
      why->message);
  ja_xmpp_stream_set_state (self, ST_LISTENING);
  ja_xmpp_stream_direct_unavailable (self, peer);
}

/* What a server sends when a contact goes offline (RFC 6121 §4.5.3). */
void
ja_xmpp_stream_direct_unavailable (JaXmppStream *self, const char *peer)
{
  g_autoptr (JaXmlNode) gone = NULL;

  if (peer == NULL)
    return;
  gone = ja_xml_node_new ("presence", JA_NS_CLIENT);
  ja_xml_node_set_attr (gone, "type", "unavailable");
  ja_xml_node_set_attr (gone, "from", peer);
  ja_xml_node_set_attr (gone, "to", self->bound_jid);
  ja_xmpp_router_dispatch (self->router, gone);
}

void
ja_xmpp_stream_direct_stop (JaXmppStream *self)
{
  if (self->listen_cancellable != NULL)
    g_cancellable_cancel (self->listen_cancellable);
  g_clear_object (&self->listen_cancellable);
  if (self->listener != NULL)
    g_socket_listener_close (self->listener);
  g_clear_object (&self->listener);
  self->accepting = FALSE;
}
