/* test-turn-tls.c — the TURN-over-TLS bridge (media/turn-tls.c) against a
 * GnuTLS echo server in a thread of this process, on 127.0.0.1 (suite
 * loopback): a CA and a server certificate for localhost/127.0.0.1 are
 * made here. Checked: bytes go through both ways intact (256 KiB, more than
 * the bridge's buffers, so back-pressure is exercised); the first local
 * connection rides on the prepared one; a CA that did not sign the server's
 * certificate or a name the certificate does not carry is refused with the
 * reason and nothing reaches the server; an IP literal is checked against
 * the IP SANs; the server closing delivers what it sent, then EOF; the
 * local side closing sends close_notify to the server; a reset by the
 * server ends the local connection; a server that never
 * answers TLS fails after the handshake timeout; an unreadable CA file
 * fails at once. */
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include <glib/gstdio.h>
#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "media/turn-tls.h"

#define TIMEOUT_MS 10000
#define ECHO_BYTES (256 * 1024)

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the default context until cond holds or timeout_ms passed; a 1 ms
 * tick lets cond poll the test's own (unwatched) socket. */
static gboolean
wait_until (gboolean (*cond) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  guint tick = g_timeout_add (1, tick_cb, NULL);
  gboolean ok;

  while (!(ok = cond (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return ok;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

typedef struct {
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t crt;
} Pair;

static void
pair_clear (Pair *p)
{
  gnutls_x509_crt_deinit (p->crt);
  gnutls_x509_privkey_deinit (p->key);
}

/* A certificate signed by issuer (NULL: self-signed CA). */
static void
make_cert (Pair *p, const char *cn, const Pair *issuer)
{
  static guint8 serial = 1;
  guint8 serial_bytes[4] = { 0, 0, 0, serial++ };
  static const guint8 loopback[4] = { 127, 0, 0, 1 };
  time_t now = time (NULL);

  g_assert_cmpint (gnutls_x509_privkey_init (&p->key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (p->key, GNUTLS_PK_ECDSA,
          GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&p->crt), ==, 0);
  gnutls_x509_crt_set_version (p->crt, 3);
  gnutls_x509_crt_set_serial (p->crt, serial_bytes, sizeof serial_bytes);
  gnutls_x509_crt_set_activation_time (p->crt, now - 60);
  gnutls_x509_crt_set_expiration_time (p->crt, now + 3600);
  gnutls_x509_crt_set_dn_by_oid (p->crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
      strlen (cn));
  gnutls_x509_crt_set_key (p->crt, p->key);
  if (issuer == NULL) {
    gnutls_x509_crt_set_basic_constraints (p->crt, 1, -1);
    gnutls_x509_crt_set_key_usage (p->crt, GNUTLS_KEY_KEY_CERT_SIGN);
    g_assert_cmpint (gnutls_x509_crt_sign2 (p->crt, p->crt, p->key,
            GNUTLS_DIG_SHA256, 0), ==, 0);
    return;
  }
  gnutls_x509_crt_set_basic_constraints (p->crt, 0, -1);
  gnutls_x509_crt_set_key_usage (p->crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
  gnutls_x509_crt_set_key_purpose_oid (p->crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
  gnutls_x509_crt_set_subject_alt_name (p->crt, GNUTLS_SAN_DNSNAME,
      "localhost", strlen ("localhost"), GNUTLS_FSAN_APPEND);
  gnutls_x509_crt_set_subject_alt_name (p->crt, GNUTLS_SAN_IPADDRESS,
      loopback, sizeof loopback, GNUTLS_FSAN_APPEND);
  g_assert_cmpint (gnutls_x509_crt_sign2 (p->crt, issuer->crt, issuer->key,
          GNUTLS_DIG_SHA256, 0), ==, 0);
}

static void
write_pem (const Pair *p, const char *path)
{
  gnutls_datum_t pem = { NULL, 0 };

  g_assert_cmpint (gnutls_x509_crt_export2 (p->crt, GNUTLS_X509_FMT_PEM,
          &pem), ==, 0);
  g_assert_true (g_file_set_contents (path, (const char *) pem.data, pem.size,
          NULL));
  gnutls_free (pem.data);
}

typedef enum {
  SERVER_ECHO,
  SERVER_CLOSE_AFTER_FIRST,     /* echo one record, then bye and close */
  SERVER_RESET,                 /* after the first record: TCP reset */
  SERVER_SILENT,                /* takes the connection, never speaks TLS */
} ServerMode;

/* The TLS echo server: one connection, blocking, in its own thread. */
typedef struct {
  ServerMode mode;
  GSocket *listener;
  guint port;
  gnutls_certificate_credentials_t cred;
  GThread *thread;
  gint accepted;                /* atomics: read by the test thread */
  gint handshaken;
  gint echoed;
  gint close_notify;
} Server;

static gpointer
server_thread (gpointer data)
{
  Server *s = data;
  g_autoptr (GSocket) sock = g_socket_accept (s->listener, NULL, NULL);
  gnutls_session_t session;
  guint8 buf[4096];
  int ret;

  if (sock == NULL)
    return NULL;
  g_atomic_int_set (&s->accepted, 1);
  g_socket_set_timeout (sock, TIMEOUT_MS / 1000);
  if (s->mode == SERVER_SILENT) {
    /* until the bridge gives up and closes */
    while (g_socket_receive (sock, (char *) buf, sizeof buf, NULL, NULL) > 0)
      ;
    return NULL;
  }
  gnutls_init (&session, GNUTLS_SERVER);
  gnutls_set_default_priority (session);
  gnutls_credentials_set (session, GNUTLS_CRD_CERTIFICATE, s->cred);
  gnutls_transport_set_int (session, g_socket_get_fd (sock));
  gnutls_handshake_set_timeout (session, TIMEOUT_MS);
  do {
    ret = gnutls_handshake (session);
  } while (ret < 0 && !gnutls_error_is_fatal (ret));
  if (ret < 0)
    goto out;
  g_atomic_int_set (&s->handshaken, 1);
  for (;;) {
    ssize_t n = gnutls_record_recv (session, buf, sizeof buf);

    if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
      continue;
    if (n == 0)
      g_atomic_int_set (&s->close_notify, 1);
    if (n <= 0)
      break;
    for (ssize_t off = 0; off < n;) {
      ssize_t w = gnutls_record_send (session, buf + off, n - off);

      if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED)
        continue;
      if (w < 0)
        goto out;
      off += w;
    }
    g_atomic_int_add (&s->echoed, (gint) n);
    if (s->mode == SERVER_CLOSE_AFTER_FIRST)
      break;
    if (s->mode == SERVER_RESET) {
      /* SO_LINGER 0: close sends RST; the bridge's next writes fail. */
      struct linger l = { 1, 0 };

      setsockopt (g_socket_get_fd (sock), SOL_SOCKET, SO_LINGER, &l,
          sizeof l);
      goto out;
    }
  }
  gnutls_bye (session, GNUTLS_SHUT_WR);
out:
  gnutls_deinit (session);
  g_socket_close (sock, NULL);
  return NULL;
}

typedef struct {
  char *dir;
  char *ca_path;
  char *other_ca_path;
  Pair ca, other_ca, server_cert;
  Server server;
  JaTurnTls *bridge;
  gboolean ready;
  gboolean ready_ok;
} Fixture;

static void
server_start (Fixture *f, ServerMode mode)
{
  Server *s = &f->server;
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new_from_string (
      "127.0.0.1", 0);
  g_autoptr (GSocketAddress) bound = NULL;

  s->mode = mode;
  s->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, NULL);
  g_assert_true (g_socket_bind (s->listener, any, TRUE, NULL));
  g_assert_true (g_socket_listen (s->listener, NULL));
  g_socket_set_timeout (s->listener, TIMEOUT_MS / 1000);
  bound = g_socket_get_local_address (s->listener, NULL);
  s->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_assert_cmpint (gnutls_certificate_allocate_credentials (&s->cred), ==, 0);
  g_assert_cmpint (gnutls_certificate_set_x509_key (s->cred,
          &f->server_cert.crt, 1, f->server_cert.key), ==, 0);
  s->thread = g_thread_new ("tls-echo", server_thread, s);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("test-turn-tls-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->ca_path = g_build_filename (f->dir, "ca.pem", NULL);
  f->other_ca_path = g_build_filename (f->dir, "other-ca.pem", NULL);
  make_cert (&f->ca, "test CA", NULL);
  make_cert (&f->other_ca, "another CA", NULL);
  make_cert (&f->server_cert, "localhost", &f->ca);
  write_pem (&f->ca, f->ca_path);
  write_pem (&f->other_ca, f->other_ca_path);
  server_start (f, GPOINTER_TO_INT (data));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  ja_turn_tls_free (f->bridge);
  if (f->server.thread != NULL)
    g_thread_join (f->server.thread);
  g_socket_close (f->server.listener, NULL);
  g_object_unref (f->server.listener);
  gnutls_certificate_free_credentials (f->server.cred);
  pair_clear (&f->ca);
  pair_clear (&f->other_ca);
  pair_clear (&f->server_cert);
  g_unlink (f->ca_path);
  g_unlink (f->other_ca_path);
  g_rmdir (f->dir);
  g_free (f->ca_path);
  g_free (f->other_ca_path);
  g_free (f->dir);
}

static void
ready_cb (JaTurnTls *bridge, gboolean ok, gpointer user_data)
{
  Fixture *f = user_data;

  f->ready = TRUE;
  f->ready_ok = ok;
}

/* A bridge to the echo server checked with ca_file and name; prepared. */
static void
bridge_prepare_full (Fixture *f, const char *name, const char *ca_file,
    guint timeout_ms)
{
  JaTurnTlsOptions o = { name, "127.0.0.1", f->server.port, ca_file, FALSE,
    timeout_ms };
  g_autoptr (GError) error = NULL;

  f->bridge = ja_turn_tls_new (&o, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ja_turn_tls_get_port (f->bridge), >, 0);
  ja_turn_tls_prepare (f->bridge, ready_cb, f);
  g_assert_false (f->ready);    /* never synchronously */
  g_assert_true (wait_until (flag_set, &f->ready, TIMEOUT_MS));
}

static void
bridge_prepare (Fixture *f, const char *name, const char *ca_file)
{
  bridge_prepare_full (f, name, ca_file, 0);
}

/* libnice's side: a plain TCP connection to the bridge. */
static GSocket *
connect_local (Fixture *f)
{
  g_autoptr (GSocketAddress) addr = g_inet_socket_address_new_from_string (
      "127.0.0.1", ja_turn_tls_get_port (f->bridge));
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, NULL);

  g_assert_true (g_socket_connect (s, addr, NULL, NULL));
  g_socket_set_blocking (s, FALSE);
  return s;
}

typedef struct {
  GSocket *sock;
  guint8 *out;
  gsize total;
  gsize sent;
  GByteArray *in;
  gboolean eof;
} Client;

/* One non-blocking step of the client: send what fits, read what came. */
static gboolean
client_step (gpointer data)
{
  Client *c = data;
  guint8 buf[8192];
  gssize n;

  if (c->sent < c->total) {
    n = g_socket_send (c->sock, (const char *) c->out + c->sent,
        MIN (c->total - c->sent, 4096), NULL, NULL);
    if (n > 0)
      c->sent += n;
  }
  n = g_socket_receive (c->sock, (char *) buf, sizeof buf, NULL, NULL);
  if (n > 0)
    g_byte_array_append (c->in, buf, n);
  else if (n == 0)
    c->eof = TRUE;
  return c->in->len >= c->total || c->eof;
}

static gboolean
client_eof (gpointer data)
{
  Client *c = data;

  client_step (c);
  return c->eof;
}

static void
test_echo (Fixture *f, gconstpointer data)
{
  Client c = { 0 };

  bridge_prepare (f, "localhost", f->ca_path);
  g_assert_true (f->ready_ok);
  g_assert_null (ja_turn_tls_get_error (f->bridge));
  g_assert_cmpuint (ja_turn_tls_get_n_verified (f->bridge), ==, 1);

  c.sock = connect_local (f);
  c.out = g_malloc (ECHO_BYTES);
  c.total = ECHO_BYTES;
  for (gsize i = 0; i < ECHO_BYTES; i++)
    c.out[i] = (guint8) (i * 7 + (i >> 9));
  c.in = g_byte_array_new ();
  g_assert_true (wait_until (client_step, &c, TIMEOUT_MS));
  g_assert_false (c.eof);
  g_assert_cmpmem (c.in->data, c.in->len, c.out, ECHO_BYTES);
  /* The local connection rode on the prepared one: one handshake. */
  g_assert_cmpuint (ja_turn_tls_get_n_verified (f->bridge), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&f->server.echoed), ==, ECHO_BYTES);

  /* libnice closes: the server gets close_notify, the local side EOF. */
  g_socket_shutdown (c.sock, FALSE, TRUE, NULL);
  g_assert_true (wait_until (client_eof, &c, TIMEOUT_MS));
  g_thread_join (g_steal_pointer (&f->server.thread));
  g_assert_cmpint (g_atomic_int_get (&f->server.close_notify), ==, 1);

  g_socket_close (c.sock, NULL);
  g_object_unref (c.sock);
  g_free (c.out);
  g_byte_array_unref (c.in);
}

static void
test_refused (Fixture *f, const char *name, const char *ca_file,
    const char *expect)
{
  const char *reason;

  bridge_prepare (f, name, ca_file);
  g_assert_false (f->ready_ok);
  reason = ja_turn_tls_get_error (f->bridge);
  g_assert_nonnull (reason);
  g_test_message ("reason: %s", reason);
  g_assert_nonnull (strstr (reason, "not trusted"));
  g_assert_nonnull (strstr (reason, expect));
  g_assert_cmpuint (ja_turn_tls_get_n_verified (f->bridge), ==, 0);
  g_assert_cmpint (g_atomic_int_get (&f->server.echoed), ==, 0);
}

static void
test_wrong_ca (Fixture *f, gconstpointer data)
{
  test_refused (f, "localhost", f->other_ca_path, "issuer is unknown");
}

static void
test_wrong_name (Fixture *f, gconstpointer data)
{
  test_refused (f, "turn.example.org", f->ca_path, "does not match");
}

static void
test_ip_name (Fixture *f, gconstpointer data)
{
  /* An IP literal is matched against the certificate's IP SANs. */
  bridge_prepare (f, "127.0.0.1", f->ca_path);
  g_assert_true (f->ready_ok);
  ja_turn_tls_free (g_steal_pointer (&f->bridge));   /* server sees EOF */
}

/* The server echoes one record and closes (close_notify): the local
 * connection gets those bytes, then EOF. */
static void
test_server_closes (Fixture *f, gconstpointer data)
{
  static const char hello[] = "one TURN message";
  Client c = { 0 };

  bridge_prepare (f, "localhost", f->ca_path);
  g_assert_true (f->ready_ok);
  c.sock = connect_local (f);
  c.out = (guint8 *) hello;
  c.total = sizeof hello;
  c.in = g_byte_array_new ();
  g_assert_true (wait_until (client_eof, &c, TIMEOUT_MS));
  g_assert_cmpmem (c.in->data, c.in->len, hello, sizeof hello);
  g_socket_close (c.sock, NULL);
  g_object_unref (c.sock);
  g_byte_array_unref (c.in);
}

/* The server resets the connection while libnice's bytes flow: the
 * bridge's next read or write fails (ECONNRESET/EPIPE; GNUTLS_NO_SIGNAL
 * keeps a write from raising SIGPIPE) and the local connection ends. */
static void
test_server_resets (Fixture *f, gconstpointer data)
{
  Client c = { 0 };

  bridge_prepare (f, "localhost", f->ca_path);
  g_assert_true (f->ready_ok);
  c.sock = connect_local (f);
  c.out = g_malloc0 (ECHO_BYTES);
  c.total = ECHO_BYTES;
  c.in = g_byte_array_new ();
  g_assert_true (wait_until (client_eof, &c, TIMEOUT_MS));
  g_assert_cmpuint (c.in->len, <, ECHO_BYTES);
  g_assert_cmpuint (ja_turn_tls_get_n_verified (f->bridge), ==, 1);
  g_socket_close (c.sock, NULL);
  g_object_unref (c.sock);
  g_free (c.out);
  g_byte_array_unref (c.in);
}

/* A server that never answers the ClientHello: prepare fails after the
 * handshake timeout instead of holding gathering. */
static void
test_server_silent (Fixture *f, gconstpointer data)
{
  gint64 t0 = g_get_monotonic_time ();
  guint ms;

  bridge_prepare_full (f, "localhost", f->ca_path, 300);
  ms = (g_get_monotonic_time () - t0) / 1000;
  g_assert_false (f->ready_ok);
  g_assert_cmpuint (ms, >=, 300);
  g_assert_cmpuint (ms, <, 3000);
  g_test_message ("reason after %u ms: %s", ms,
      ja_turn_tls_get_error (f->bridge));
  g_assert_nonnull (strstr (ja_turn_tls_get_error (f->bridge),
          "no TLS connection within 300 ms"));
}

static void
test_bad_ca_file (void)
{
  JaTurnTlsOptions o = { "localhost", "127.0.0.1", 5349,
    "/nonexistent/ca.pem", FALSE, 0 };
  g_autoptr (GError) error = NULL;
  JaTurnTls *b = ja_turn_tls_new (&o, &error);

  g_assert_null (b);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/nonexistent/ca.pem"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, mode, fn) \
  g_test_add ("/media/turn-tls/" path, Fixture, GINT_TO_POINTER (mode), \
      fixture_set_up, fn, fixture_tear_down)
  ADD ("echo", SERVER_ECHO, test_echo);
  ADD ("wrong-ca", SERVER_ECHO, test_wrong_ca);
  ADD ("wrong-name", SERVER_ECHO, test_wrong_name);
  ADD ("ip-name", SERVER_ECHO, test_ip_name);
  ADD ("server-closes", SERVER_CLOSE_AFTER_FIRST, test_server_closes);
  ADD ("server-resets", SERVER_RESET, test_server_resets);
  ADD ("server-silent", SERVER_SILENT, test_server_silent);
#undef ADD
  g_test_add_func ("/media/turn-tls/bad-ca-file", test_bad_ca_file);
  return g_test_run ();
}
