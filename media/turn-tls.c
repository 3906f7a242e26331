/* turn-tls.c — the loopback TLS bridge for TURN over TLS (RFC 8656 §3.1),
 * because libnice 0.1.21 has no TLS client (turn-tls.h). Owns a listening
 * socket on 127.0.0.1 and the bridged connections; each is a small state
 * machine (connecting → handshake → open → closed) driven by GSocket
 * sources on the creator's GMainContext, GnuTLS non-blocking. The server
 * certificate is verified the way the XMPP stream does it (system store
 * and/or a CA file, gnutls_certificate_verify_peers3 with the server name)
 * before any byte of libnice's reaches the server. */
#include "media/turn-tls.h"

#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <gio/gio.h>
#include <gnutls/gnutls.h>

#include "media/media-error.h"

/* A TURN client opens one connection per component and local address:
 * a handful. More is someone else on the host poking at the port. */
#define MAX_CONNECTIONS 16
#define BUF_SIZE 16384
/* A server that takes the TCP connection but never completes TLS must not
 * hold gathering (which waits for ja_turn_tls_prepare) for long. */
#define DEFAULT_HANDSHAKE_TIMEOUT_MS 5000

typedef enum {
  CONN_CONNECTING,
  CONN_HANDSHAKE,
  CONN_OPEN,
  CONN_CLOSED,
} ConnState;

static const char *const conn_state_names[] = {
  [CONN_CONNECTING] = "connecting",
  [CONN_HANDSHAKE] = "handshake",
  [CONN_OPEN] = "open",
  [CONN_CLOSED] = "closed",
};

typedef struct {
  JaTurnTls *bridge;            /* unowned: the bridge owns us */
  guint id;
  ConnState state;
  GSocket *local;               /* accepted from libnice; NULL: warm */
  GSocket *remote;              /* to the TURN server, under TLS */
  GSource *local_src;
  GSource *remote_src;
  GSource *timeout_src;         /* until verified */
  GIOCondition local_cond;
  GIOCondition remote_cond;
  gnutls_session_t session;
  gboolean send_blocked;        /* gnutls_record_send said AGAIN */
  gboolean verified;            /* handshake done, server certificate OK */
  guint8 up[BUF_SIZE];          /* libnice → server, plaintext */
  gsize up_off, up_len;
  guint8 down[BUF_SIZE];        /* server → libnice */
  gsize down_off, down_len;
  gboolean local_eof;
  gboolean remote_eof;
} Conn;

struct _JaTurnTls {
  GMainContext *ctx;
  char *server_name;
  char *ca_file;
  gboolean system_trust;
  guint handshake_timeout_ms;
  GSocketAddress *server;
  GSocket *listener;
  GSource *listen_src;
  guint port;
  gnutls_certificate_credentials_t cred;
  GPtrArray *conns;             /* Conn*, owned */
  guint next_id;
  guint n_verified;
  char *error;
  Conn *warm;                   /* prepared, waiting for libnice */
  JaTurnTlsReadyFunc ready;
  gpointer ready_data;
  gboolean settled;             /* ready decided (reported from an idle) */
  gboolean ready_ok;
  GSource *ready_src;
};

/* ---- connections -------------------------------------------------------- */

static void conn_pump (Conn *c);

static void
drop_source (GSource **src)
{
  if (*src == NULL)
    return;
  g_source_destroy (*src);
  g_clear_pointer (src, g_source_unref);
}

static void
conn_free (Conn *c)
{
  drop_source (&c->timeout_src);
  if (c->local_src != NULL) {
    g_source_destroy (c->local_src);
    g_source_unref (c->local_src);
  }
  if (c->remote_src != NULL) {
    g_source_destroy (c->remote_src);
    g_source_unref (c->remote_src);
  }
  if (c->session != NULL) {
    /* close_notify, best-effort: the socket is non-blocking. */
    if (c->verified)
      gnutls_bye (c->session, GNUTLS_SHUT_WR);
    gnutls_deinit (c->session);
  }
  if (c->local != NULL)
    g_socket_close (c->local, NULL);
  if (c->remote != NULL)
    g_socket_close (c->remote, NULL);
  g_clear_object (&c->local);
  g_clear_object (&c->remote);
  g_free (c);
}

static void
set_state (Conn *c, ConnState state)
{
  g_debug ("turn-tls %s:%u #%u: %s -> %s", c->bridge->server_name,
      c->bridge->port, c->id, conn_state_names[c->state],
      conn_state_names[state]);
  c->state = state;
}

static gboolean
report_ready_cb (gpointer data)
{
  JaTurnTls *b = data;

  g_clear_pointer (&b->ready_src, g_source_unref);
  if (b->ready != NULL)
    b->ready (b, b->ready_ok, b->ready_data);
  return G_SOURCE_REMOVE;
}

/* The warm connection decided: report it once, never synchronously. */
static void
settle (JaTurnTls *b, gboolean ok)
{
  if (b->settled)
    return;
  b->settled = TRUE;
  b->ready_ok = ok;
  b->ready_src = g_idle_source_new ();
  /* Not behind busy default-priority sources (libnice's): it gates
   * gathering. */
  g_source_set_priority (b->ready_src, G_PRIORITY_DEFAULT);
  g_source_set_callback (b->ready_src, report_ready_cb, b, NULL);
  g_source_attach (b->ready_src, b->ctx);
}

/* Ends a connection that failed: the reason is logged for the user (the
 * relay candidate through it will not come) and kept for ja_*_get_error. */
static void
conn_fail (Conn *c, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
conn_fail (Conn *c, const char *fmt, ...)
{
  JaTurnTls *b = c->bridge;
  va_list ap;

  va_start (ap, fmt);
  g_free (b->error);
  b->error = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_message ("turn-tls %s: %s; no relay through it", b->server_name, b->error);
  set_state (c, CONN_CLOSED);
  if (c == b->warm)
    settle (b, FALSE);
}

static gboolean
socket_cb (GSocket *sock, GIOCondition cond, gpointer user_data)
{
  conn_pump (user_data);
  return G_SOURCE_CONTINUE;
}

/* Watches sock for exactly cond (none: no source). */
static void
watch (Conn *c, GSocket *sock, GSource **src, GIOCondition *have,
    GIOCondition want)
{
  if (*src != NULL && *have == want)
    return;
  if (*src != NULL) {
    g_source_destroy (*src);
    g_clear_pointer (src, g_source_unref);
  }
  *have = want;
  if (want == 0)
    return;
  *src = g_socket_create_source (sock, want, NULL);
  g_source_set_callback (*src, G_SOURCE_FUNC (socket_cb), c, NULL);
  g_source_attach (*src, c->bridge->ctx);
}

static gboolean
verify_server (Conn *c)
{
  JaTurnTls *b = c->bridge;
  unsigned int status = 0;
  gnutls_datum_t out = { NULL, 0 };
  int ret;

  ret = gnutls_certificate_verify_peers3 (c->session, b->server_name, &status);
  if (ret < 0) {
    conn_fail (c, "certificate verification: %s", gnutls_strerror (ret));
    return FALSE;
  }
  if (status != 0) {
    gnutls_certificate_verification_status_print (status, GNUTLS_CRT_X509,
        &out, 0);
    if (out.data != NULL)
      g_strchomp ((char *) out.data);
    conn_fail (c, "certificate for %s not trusted: %s (trusting %s%s%s)",
        b->server_name, out.data ? (char *) out.data : "verification failed",
        b->system_trust ? "the system store" : "",
        b->system_trust && b->ca_file ? " and " : "",
        b->ca_file ? b->ca_file : "");
    gnutls_free (out.data);
    return FALSE;
  }
  return TRUE;
}

static void
step_connecting (Conn *c)
{
  g_autoptr (GError) error = NULL;

  if (!g_socket_check_connect_result (c->remote, &error)) {
    conn_fail (c, "cannot connect to port %u: %s",
        g_inet_socket_address_get_port (
            G_INET_SOCKET_ADDRESS (c->bridge->server)), error->message);
    return;
  }
  set_state (c, CONN_HANDSHAKE);
}

static void
step_handshake (Conn *c)
{
  int ret;

  do {
    ret = gnutls_handshake (c->session);
  } while (ret == GNUTLS_E_INTERRUPTED);
  if (ret == GNUTLS_E_AGAIN)
    return;
  if (ret < 0) {
    conn_fail (c, "TLS handshake: %s", gnutls_strerror (ret));
    return;
  }
  if (!verify_server (c))
    return;
  c->verified = TRUE;
  drop_source (&c->timeout_src);
  c->bridge->n_verified++;
  if (c == c->bridge->warm)
    settle (c->bridge, TRUE);
  {
    g_autofree char *desc = gnutls_session_get_desc (c->session);

    g_info ("turn-tls %s: connection #%u verified, %s",
        c->bridge->server_name, c->id, desc);
  }
  set_state (c, CONN_OPEN);
}

/* One pass over both directions; TRUE when something moved. */
static gboolean
step_open (Conn *c)
{
  g_autoptr (GError) error = NULL;
  gboolean moved = FALSE;
  gssize n;

  /* libnice → server */
  if (c->local != NULL && c->up_off == c->up_len && !c->local_eof) {
    n = g_socket_receive (c->local, (char *) c->up, sizeof c->up, NULL,
        &error);
    if (n > 0) {
      c->up_off = 0;
      c->up_len = n;
      moved = TRUE;
    } else if (n == 0 || !g_error_matches (error, G_IO_ERROR,
            G_IO_ERROR_WOULD_BLOCK)) {
      c->local_eof = TRUE;      /* libnice closed its TURN socket */
      moved = TRUE;
    }
    g_clear_error (&error);
  }
  if (c->up_off < c->up_len) {
    n = gnutls_record_send (c->session, c->up + c->up_off,
        c->up_len - c->up_off);
    c->send_blocked = n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED;
    if (c->send_blocked) {
      /* retried with the same bytes, as GnuTLS requires */
    } else if (n < 0) {
      conn_fail (c, "TLS send: %s", gnutls_strerror (n));
      return FALSE;
    } else {
      c->up_off += n;
      moved = TRUE;
    }
  }

  /* server → libnice */
  if (c->down_off == c->down_len && !c->remote_eof) {
    n = gnutls_record_recv (c->session, c->down, sizeof c->down);
    if (n > 0) {
      c->down_off = 0;
      c->down_len = n;
      moved = TRUE;
    } else if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
      /* wait for the socket (remote G_IO_IN below) */
    } else {
      /* 0: close_notify; otherwise e.g. a TCP close without it. */
      g_debug ("turn-tls %s #%u: server closed (%s)", c->bridge->server_name,
          c->id, n == 0 ? "close_notify" : gnutls_strerror (n));
      c->remote_eof = TRUE;
      moved = TRUE;
    }
  }
  if (c->local != NULL && c->down_off < c->down_len) {
    n = g_socket_send (c->local, (const char *) c->down + c->down_off,
        c->down_len - c->down_off, NULL, &error);
    if (n > 0) {
      c->down_off += n;
      moved = TRUE;
    } else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
      c->local_eof = TRUE;      /* libnice is gone: nothing to deliver */
      c->down_off = c->down_len;
      moved = TRUE;
    }
  }
  return moved;
}

/* Drives the connection as far as it goes, then watches what it waits for
 * (or frees it once closed). */
static void
conn_pump (Conn *c)
{
  GIOCondition local = 0, remote = 0;

  if (c->state == CONN_CONNECTING)
    step_connecting (c);
  if (c->state == CONN_HANDSHAKE)
    step_handshake (c);
  if (c->state == CONN_OPEN) {
    while (step_open (c) && c->state == CONN_OPEN)
      ;
    /* Either side closed and everything it sent is delivered: close both
     * (libnice never half-closes a TURN socket; coturn ends the allocation
     * with the connection, RFC 8656 §3.1). */
    if (c->state == CONN_OPEN && ((c->local_eof && c->up_off == c->up_len)
            || (c->remote_eof && (c->down_off == c->down_len
                    || c->local == NULL))))
      set_state (c, CONN_CLOSED);
  }
  if (c->state == CONN_CLOSED) {
    if (c == c->bridge->warm)
      c->bridge->warm = NULL;
    g_ptr_array_remove (c->bridge->conns, c);       /* frees c */
    return;
  }

  if (c->state == CONN_CONNECTING) {
    remote = G_IO_OUT;
  } else if (c->state == CONN_HANDSHAKE) {
    remote = gnutls_record_get_direction (c->session) == 1 ? G_IO_OUT
        : G_IO_IN;
  } else if (c->local != NULL) {
    if (c->up_off == c->up_len && !c->local_eof)
      local |= G_IO_IN;
    if (c->down_off < c->down_len)
      local |= G_IO_OUT;
    if (c->down_off == c->down_len && !c->remote_eof)
      remote |= G_IO_IN;
    if (c->send_blocked)
      remote |= G_IO_OUT;
  } else if (c->down_off == c->down_len && !c->remote_eof) {
    remote = G_IO_IN;           /* warm: notice the server closing */
  }
  watch (c, c->local, &c->local_src, &c->local_cond, local);
  watch (c, c->remote, &c->remote_src, &c->remote_cond, remote);
}

static void
set_nodelay (GSocket *sock)
{
  /* TURN messages are small and answered one by one: no Nagle delay. */
  g_socket_set_option (sock, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}

static gboolean
conn_setup_tls (Conn *c, GError **error)
{
  JaTurnTls *b = c->bridge;
  int ret;

  /* NO_SIGNAL: a server that resets the connection must not SIGPIPE the
   * whole agent (GnuTLS sends without MSG_NOSIGNAL otherwise). */
  ret = gnutls_init (&c->session,
      GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL);
  if (ret >= 0)
    ret = gnutls_set_default_priority (c->session);
  if (ret >= 0)
    ret = gnutls_credentials_set (c->session, GNUTLS_CRD_CERTIFICATE, b->cred);
  if (ret >= 0 && !g_hostname_is_ip_address (b->server_name))
    ret = gnutls_server_name_set (c->session, GNUTLS_NAME_DNS,
        b->server_name, strlen (b->server_name));
  if (ret < 0) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_ICE,
        "turn-tls: TLS session: %s", gnutls_strerror (ret));
    return FALSE;
  }
  gnutls_transport_set_int (c->session, g_socket_get_fd (c->remote));
  gnutls_handshake_set_timeout (c->session, 0);
  return TRUE;
}

static void
conn_attach_local (Conn *c, GSocket *local)
{
  c->local = local;
  g_socket_set_blocking (local, FALSE);
  set_nodelay (local);
}

static gboolean
handshake_timeout_cb (gpointer data)
{
  Conn *c = data;

  g_clear_pointer (&c->timeout_src, g_source_unref);
  conn_fail (c, "no TLS connection within %u ms (%s)",
      c->bridge->handshake_timeout_ms, conn_state_names[c->state]);
  conn_pump (c);                /* frees c */
  return G_SOURCE_REMOVE;
}

/* A new connection to the server, for libnice's local connection (or NULL:
 * the warm one of ja_turn_tls_prepare). */
static void
conn_start (JaTurnTls *b, GSocket *local)
{
  Conn *c = g_new0 (Conn, 1);
  g_autoptr (GError) error = NULL;

  c->bridge = b;
  c->id = ++b->next_id;
  g_ptr_array_add (b->conns, c);
  c->timeout_src = g_timeout_source_new (b->handshake_timeout_ms);
  g_source_set_callback (c->timeout_src, handshake_timeout_cb, c, NULL);
  g_source_attach (c->timeout_src, b->ctx);
  if (local != NULL)
    conn_attach_local (c, local);
  else
    b->warm = c;
  c->remote = g_socket_new (g_socket_address_get_family (b->server),
      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  if (c->remote == NULL) {
    conn_fail (c, "socket: %s", error->message);
  } else {
    g_socket_set_blocking (c->remote, FALSE);
    set_nodelay (c->remote);
    if (!conn_setup_tls (c, &error))
      conn_fail (c, "%s", error->message);
    else if (g_socket_connect (c->remote, b->server, NULL, &error))
      set_state (c, CONN_HANDSHAKE);
    else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
      conn_fail (c, "cannot connect: %s", error->message);
  }
  conn_pump (c);                /* may free c */
}

static gboolean
accept_cb (GSocket *listener, GIOCondition cond, gpointer user_data)
{
  JaTurnTls *b = user_data;

  for (;;) {
    g_autoptr (GError) error = NULL;
    GSocket *s = g_socket_accept (listener, NULL, &error);

    if (s == NULL)
      break;
    if (b->conns->len >= MAX_CONNECTIONS) {
      g_debug ("turn-tls %s: %u connections already, refusing one",
          b->server_name, b->conns->len);
      g_socket_close (s, NULL);
      g_object_unref (s);
      continue;
    }
    if (b->warm != NULL) {
      /* The prepared connection: libnice's bytes wait no handshake. */
      Conn *c = b->warm;

      b->warm = NULL;
      conn_attach_local (c, s);
      conn_pump (c);
    } else {
      conn_start (b, s);        /* takes s */
    }
  }
  return G_SOURCE_CONTINUE;
}

/* ---- the bridge --------------------------------------------------------- */

static gboolean
load_trust (JaTurnTls *b, GError **error)
{
  int ret = gnutls_certificate_allocate_credentials (&b->cred);
  int n = 0;

  if (ret < 0) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_ICE,
        "turn-tls: TLS credentials: %s", gnutls_strerror (ret));
    return FALSE;
  }
  if (b->system_trust) {
    ret = gnutls_certificate_set_x509_system_trust (b->cred);
    if (ret > 0)
      n += ret;
  }
  if (b->ca_file != NULL) {
    ret = gnutls_certificate_set_x509_trust_file (b->cred, b->ca_file,
        GNUTLS_X509_FMT_PEM);
    if (ret <= 0) {
      g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_ICE,
          "turn-tls: cannot load CA file %s: %s", b->ca_file,
          ret < 0 ? gnutls_strerror (ret) : "no certificate in it");
      return FALSE;
    }
    n += ret;
  }
  if (n == 0) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_ICE,
        "turn-tls: no trusted CA to verify %s with (no system store, no CA "
        "file)", b->server_name);
    return FALSE;
  }
  return TRUE;
}

static gboolean
listen_loopback (JaTurnTls *b, GError **error)
{
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new_from_string (
      "127.0.0.1", 0);
  g_autoptr (GSocketAddress) bound = NULL;

  b->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, error);
  if (b->listener == NULL)
    return FALSE;
  g_socket_set_blocking (b->listener, FALSE);
  if (!g_socket_bind (b->listener, any, FALSE, error)
      || !g_socket_listen (b->listener, error))
    return FALSE;
  bound = g_socket_get_local_address (b->listener, error);
  if (bound == NULL)
    return FALSE;
  b->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  b->listen_src = g_socket_create_source (b->listener, G_IO_IN, NULL);
  g_source_set_callback (b->listen_src, G_SOURCE_FUNC (accept_cb), b, NULL);
  g_source_attach (b->listen_src, b->ctx);
  return TRUE;
}

JaTurnTls *
ja_turn_tls_new (const JaTurnTlsOptions *options, GError **error)
{
  g_autoptr (JaTurnTls) b = NULL;
  g_autoptr (GInetAddress) ip = NULL;

  g_return_val_if_fail (options != NULL && options->server_name != NULL
      && options->address != NULL && options->port > 0
      && options->port <= G_MAXUINT16, NULL);

  ip = g_inet_address_new_from_string (options->address);
  if (ip == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "turn-tls: '%s' is not an IP address", options->address);
    return NULL;
  }
  b = g_new0 (JaTurnTls, 1);
  b->ctx = g_main_context_ref_thread_default ();
  b->server_name = g_strdup (options->server_name);
  b->ca_file = g_strdup (options->ca_file);
  b->system_trust = options->system_trust;
  b->handshake_timeout_ms = options->handshake_timeout_ms != 0
      ? options->handshake_timeout_ms : DEFAULT_HANDSHAKE_TIMEOUT_MS;
  b->server = g_inet_socket_address_new (ip, options->port);
  b->conns = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_free);
  if (!load_trust (b, error) || !listen_loopback (b, error))
    return NULL;
  g_debug ("turn-tls %s: 127.0.0.1:%u -> %s:%u (TLS)", b->server_name,
      b->port, options->address, options->port);
  return g_steal_pointer (&b);
}

void
ja_turn_tls_free (JaTurnTls *b)
{
  if (b == NULL)
    return;
  if (b->listen_src != NULL) {
    g_source_destroy (b->listen_src);
    g_source_unref (b->listen_src);
  }
  if (b->ready_src != NULL) {
    g_source_destroy (b->ready_src);
    g_source_unref (b->ready_src);
  }
  if (b->listener != NULL)
    g_socket_close (b->listener, NULL);
  g_clear_object (&b->listener);
  g_clear_pointer (&b->conns, g_ptr_array_unref);
  if (b->cred != NULL)
    gnutls_certificate_free_credentials (b->cred);
  g_clear_object (&b->server);
  g_main_context_unref (b->ctx);
  g_free (b->server_name);
  g_free (b->ca_file);
  g_free (b->error);
  g_free (b);
}

void
ja_turn_tls_prepare (JaTurnTls *b, JaTurnTlsReadyFunc ready,
    gpointer user_data)
{
  g_return_if_fail (b->ready == NULL && !b->settled);
  b->ready = ready;
  b->ready_data = user_data;
  conn_start (b, NULL);
}

guint
ja_turn_tls_get_port (JaTurnTls *b)
{
  return b->port;
}

const char *
ja_turn_tls_get_error (JaTurnTls *b)
{
  return b->error;
}

guint
ja_turn_tls_get_n_verified (JaTurnTls *b)
{
  return b->n_verified;
}
