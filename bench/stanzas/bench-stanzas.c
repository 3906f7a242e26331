/* bench-stanzas.c — stanza receive throughput on an RFC 6120 §4 client
 * stream: 200,000 <message/> stanzas of ~320 bytes, parsed into JaXmlNode
 * trees by ja_xml_stream_parser and routed by ja_xmpp_router (the table of
 * RFC 6120 §10 local delivery), against libstrophe receiving the same bytes
 * over loopback TCP through its public API (xmpp_connect_raw, a "message"
 * handler).
 *
 *   ja (memory)      the parser fed from memory in 4 KiB chunks: the cost of
 *                    parse + route alone, what callgrind measures (run.sh);
 *   ja (loopback)    the same parser reading the loopback socket with
 *                    32 KiB reads, as xmpp-stream.c does: the like-for-like
 *                    figure;
 *   libstrophe       xmpp_run() reading the loopback socket (its own 4 KiB
 *                    reads), no logger.
 *
 * Options: --only-ja (memory run only, for callgrind), --stanzas N,
 * --rounds N (best of N for the memory run). */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>
#include <strophe.h>

#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xmpp/xmpp-router.h"

#define CHUNK 4096
#define JA_READ 32768   /* the receive buffer of xmpp-stream.c */
#define STANZA_BYTES 320
#define NS_CHATSTATES "http://jabber.org/protocol/chatstates"

static const char stream_header[] =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
  "xmlns:stream='http://etherx.jabber.org/streams' id='bench-stream' "
  "from='capulet.example' version='1.0' xml:lang='en'>";

static const char client_header[] =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
  "xmlns:stream='http://etherx.jabber.org/streams' to='capulet.example' "
  "version='1.0'>";

/* The whole stream (header + n stanzas); every stanza is exactly
 * STANZA_BYTES long, the body padded to fit. */
static GString *
make_stream (guint n)
{
  static const char text[] = "O Romeo, Romeo, wherefore art thou Romeo? "
      "Deny thy father &amp; refuse thy name; or if thou wilt not, be but "
      "sworn my love, and I'll no longer be a Capulet.";
  GString *s = g_string_sized_new (sizeof stream_header
      + (gsize) n * STANZA_BYTES);

  g_string_append (s, stream_header);
  for (guint i = 0; i < n; i++) {
    gsize start = s->len;
    gsize fixed;
    int body_len;

    g_string_append_printf (s, "<message from='juliet@capulet.example/"
        "balcony' to='romeo@montague.example/orchard' type='chat' "
        "id='m%07u' xml:lang='en'><body>", i);
    fixed = s->len - start + strlen ("</body><active xmlns='"
        NS_CHATSTATES "'/><request xmlns='urn:xmpp:receipts'/></message>");
    body_len = (int) (STANZA_BYTES - fixed);
    g_assert (body_len > 4 && (gsize) body_len < sizeof text);
    /* Never cut inside "&amp;". */
    g_assert (memchr (text + body_len - 4, '&', 4) == NULL);
    g_string_append_len (s, text, body_len);
    g_string_append (s, "</body><active xmlns='" NS_CHATSTATES "'/>"
        "<request xmlns='urn:xmpp:receipts'/></message>");
    g_assert (s->len - start == STANZA_BYTES);
  }
  return s;
}

/* ---- ja ---- */

typedef struct {
  JaXmppRouter *router;
  guint n_messages;
  guint n_chatstates;
} JaSide;

static gboolean
chatstate_cb (const JaXmlNode *stanza, gpointer user_data)
{
  JaSide *side = user_data;

  side->n_chatstates++;
  return FALSE;   /* not consumed: the message handler still runs */
}

static gboolean
message_cb (const JaXmlNode *stanza, gpointer user_data)
{
  JaSide *side = user_data;

  side->n_messages++;
  return TRUE;
}

static void
ja_stanza_cb (gpointer user_data, JaXmlNode *stanza)
{
  JaSide *side = user_data;
  g_autoptr (JaXmlNode) owned = stanza;   /* (transfer full) */

  ja_xmpp_router_dispatch (side->router, owned);
}

static const JaXmlStreamCallbacks ja_callbacks = {
  .stanza = ja_stanza_cb,
};

static void
ja_side_init (JaSide *side)
{
  side->router = ja_xmpp_router_new ();
  ja_xmpp_router_add (side->router, "message", NULL, NS_CHATSTATES,
      chatstate_cb, side);
  ja_xmpp_router_add (side->router, "message", NULL, NULL, message_cb, side);
  side->n_messages = 0;
  side->n_chatstates = 0;
}

static void
ja_side_clear (JaSide *side)
{
  g_clear_pointer (&side->router, ja_xmpp_router_free);
}

/* What run.sh measures with callgrind --toggle-collect=run_ja_memory. */
G_GNUC_NO_INLINE static guint
run_ja_memory (const char *data, gsize len)
{
  g_autoptr (JaXmlStreamParser) parser = NULL;
  g_autoptr (GError) error = NULL;
  JaSide side;

  ja_side_init (&side);
  parser = ja_xml_stream_parser_new (NULL, &ja_callbacks, &side);
  for (gsize at = 0; at < len; at += CHUNK) {
    if (!ja_xml_stream_parser_feed (parser, data + at, MIN (CHUNK, len - at),
            &error))
      g_error ("ja parser: %s", error->message);
  }
  g_assert (side.n_chatstates == side.n_messages);
  ja_side_clear (&side);
  return side.n_messages;
}

/* ---- loopback server: writes the stream to whoever connects ---- */

typedef struct {
  int listen_fd;
  guint16 port;
  const GString *stream;
  gint64 start_us;     /* set when the first byte is written */
} Server;

static void
server_listen (Server *server, const GString *stream)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t addr_len = sizeof addr;
  int one = 1;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  server->listen_fd = socket (AF_INET, SOCK_STREAM, 0);
  setsockopt (server->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (server->listen_fd < 0
      || bind (server->listen_fd, (struct sockaddr *) &addr, sizeof addr) < 0
      || listen (server->listen_fd, 1) < 0
      || getsockname (server->listen_fd, (struct sockaddr *) &addr,
          &addr_len) < 0)
    g_error ("loopback listen: %s", g_strerror (errno));
  server->port = ntohs (addr.sin_port);
  server->stream = stream;
  server->start_us = 0;
}

static gpointer
server_thread (gpointer data)
{
  Server *server = data;
  char buf[CHUNK];
  int fd = accept (server->listen_fd, NULL, NULL);
  gsize at = 0;

  if (fd < 0)
    g_error ("accept: %s", g_strerror (errno));
  /* Wait for the client's stream header before answering (RFC 6120 §4.2). */
  if (recv (fd, buf, sizeof buf, 0) <= 0)
    g_error ("client sent no stream header");
  server->start_us = g_get_monotonic_time ();
  while (at < server->stream->len) {
    ssize_t n = send (fd, server->stream->str + at,
        server->stream->len - at, 0);

    if (n <= 0)
      g_error ("send: %s", g_strerror (errno));
    at += n;
  }
  /* Hold the connection until the client has read everything and left. */
  while (recv (fd, buf, sizeof buf, 0) > 0)
    ;
  close (fd);
  return NULL;
}

static int
connect_loopback (guint16 port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  addr.sin_port = htons (port);
  if (fd < 0 || connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    g_error ("connect: %s", g_strerror (errno));
  return fd;
}

/* Returns the seconds from the server's first byte to the last stanza. */
static double
run_ja_loopback (const GString *stream, guint n)
{
  g_autoptr (JaXmlStreamParser) parser = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GThread) thread = NULL;
  Server server;
  JaSide side;
  g_autofree char *buf = g_malloc (JA_READ);
  gint64 end_us;
  int fd;

  server_listen (&server, stream);
  thread = g_thread_new ("server", server_thread, &server);
  fd = connect_loopback (server.port);
  ja_side_init (&side);
  parser = ja_xml_stream_parser_new (NULL, &ja_callbacks, &side);
  if (send (fd, client_header, strlen (client_header), 0) < 0)
    g_error ("send: %s", g_strerror (errno));
  while (side.n_messages < n) {
    ssize_t got = recv (fd, buf, JA_READ, 0);

    if (got <= 0)
      g_error ("ja loopback: stream ended after %u stanzas", side.n_messages);
    if (!ja_xml_stream_parser_feed (parser, buf, got, &error))
      g_error ("ja parser: %s", error->message);
  }
  end_us = g_get_monotonic_time ();
  close (fd);
  g_thread_join (g_steal_pointer (&thread));
  close (server.listen_fd);
  ja_side_clear (&side);
  return (end_us - server.start_us) / 1e6;
}

/* ---- libstrophe ---- */

typedef struct {
  xmpp_ctx_t *ctx;
  guint n_wanted;
  guint n_messages;
  gint64 end_us;
  gboolean failed;
} StropheSide;

static int
strophe_message_cb (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  StropheSide *side = userdata;

  if (++side->n_messages == side->n_wanted) {
    side->end_us = g_get_monotonic_time ();
    xmpp_stop (side->ctx);
  }
  return 1;   /* keep the handler */
}

static void
strophe_conn_cb (xmpp_conn_t *conn, xmpp_conn_event_t status, int error,
    xmpp_stream_error_t *stream_error, void *userdata)
{
  StropheSide *side = userdata;

  switch (status) {
  case XMPP_CONN_RAW_CONNECT:
    xmpp_conn_open_stream_default (conn);
    break;
  case XMPP_CONN_CONNECT:
    break;
  case XMPP_CONN_DISCONNECT:
  case XMPP_CONN_FAIL:
    if (side->n_messages < side->n_wanted)
      side->failed = TRUE;
    xmpp_stop (side->ctx);
    break;
  }
}

static double
run_strophe_loopback (const GString *stream, guint n)
{
  g_autoptr (GThread) thread = NULL;
  StropheSide side = { .n_wanted = n };
  Server server;
  xmpp_conn_t *conn;

  server_listen (&server, stream);
  thread = g_thread_new ("server", server_thread, &server);
  xmpp_initialize ();
  side.ctx = xmpp_ctx_new (NULL, NULL);   /* NULL log: logging off */
  conn = xmpp_conn_new (side.ctx);
  xmpp_conn_set_jid (conn, "romeo@capulet.example");
  xmpp_handler_add (conn, strophe_message_cb, NULL, "message", NULL, &side);
  if (xmpp_connect_raw (conn, "127.0.0.1", server.port, strophe_conn_cb,
          &side) != XMPP_EOK)
    g_error ("xmpp_connect_raw failed");
  xmpp_run (side.ctx);
  if (side.failed || side.n_messages != n)
    g_error ("libstrophe: %u of %u stanzas", side.n_messages, n);
  xmpp_disconnect (conn);
  xmpp_conn_release (conn);
  g_thread_join (g_steal_pointer (&thread));
  close (server.listen_fd);
  xmpp_ctx_free (side.ctx);
  xmpp_shutdown ();
  return (side.end_us - server.start_us) / 1e6;
}

int
main (int argc, char **argv)
{
  gboolean only_ja = FALSE;
  int n = 200000;
  int rounds = 3;
  GOptionEntry entries[] = {
    { "only-ja", 0, 0, G_OPTION_ARG_NONE, &only_ja,
      "Only the in-memory ja run (for callgrind)", NULL },
    { "stanzas", 'n', 0, G_OPTION_ARG_INT, &n, "Stanzas per run", "N" },
    { "rounds", 'r', 0, G_OPTION_ARG_INT, &rounds,
      "Best of N for the timed runs", "N" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) stream = NULL;
  double ja_mem = G_MAXDOUBLE;
  double ja_net = G_MAXDOUBLE;
  double strophe = G_MAXDOUBLE;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error)
      || n <= 0 || rounds <= 0) {
    fprintf (stderr, "%s\n", error != NULL ? error->message : "bad value");
    return 2;
  }
  stream = make_stream (n);
  printf ("%d <message/> stanzas of %d bytes (%.1f MB stream)\n", n,
      STANZA_BYTES, stream->len / 1e6);

  for (int r = 0; r < rounds; r++) {
    gint64 t0 = g_get_monotonic_time ();
    guint got = run_ja_memory (stream->str, stream->len);

    if (got != (guint) n)
      g_error ("ja: %u of %d stanzas", got, n);
    ja_mem = MIN (ja_mem, (g_get_monotonic_time () - t0) / 1e6);
  }
  printf ("ja (memory, parse+route)     %10.0f stanzas/s\n", n / ja_mem);
  if (only_ja)
    return 0;

  for (int r = 0; r < rounds; r++) {
    double t = run_ja_loopback (stream, n);

    ja_net = MIN (ja_net, t);
  }
  for (int r = 0; r < rounds; r++) {
    double t = run_strophe_loopback (stream, n);

    strophe = MIN (strophe, t);
  }
  printf ("ja (loopback, parse+route)   %10.0f stanzas/s\n", n / ja_net);
  printf ("libstrophe (loopback)        %10.0f stanzas/s\n", n / strophe);
  printf ("ratio ja/libstrophe: %.2fx (loopback), %.2fx (ja from memory)\n",
      strophe / ja_net, strophe / ja_mem);
  return 0;
}
