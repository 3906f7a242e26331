/* fuzz-xmpp-peer.c — libFuzzer target for what a serverless peer sends to
 * a listening agent (XEP-0174 semantics, xmpp-stream-direct.c: what
 * `answer --listen` / `receive --listen` expose to the local network): the
 * input is the peer's stream after its header (a fixed <stream:stream
 * from='peer@fuzz.test/res'>, plaintext on loopback so the bytes are the
 * stanzas): stanzas reach the stream's routing (IQ tracking, error
 * replies, presence) and a JaAgent on it with the real plugins (Jingle
 * RTP/ICE-UDP/DTLS, file transfer, SOCKS5, IBB), XEP-0353 and the call
 * policy (the peer is allowed: its calls are answered). Each input gets a
 * fresh listener and agent; the peer's bytes are sent, its side closed,
 * and the agent runs until it has closed the connection or 200 ms passed.
 * Oracles: no g_warning or g_critical; ASan/UBSan clean; the listener is
 * back to waiting for a peer afterwards (it survived). */

#include <stdint.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "agent/ja-agent.h"
#include "signalling/xmpp/xmpp-stream.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define PEER_HEADER "<?xml version='1.0'?><stream:stream " \
  "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' " \
  "from='peer@fuzz.test/res' to='agent@fuzz.test' version='1.0'>"
#define RUN_US (200 * 1000)

static char *identity, *known;

/* A listener with no peer: waiting for one. */
static gboolean
listening (gpointer stream)
{
  return ja_xmpp_stream_get_listen_address (stream) != NULL
      && !ja_xmpp_stream_is_ready (stream);
}

static void
connected_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  gboolean *done = user_data;

  ja_xmpp_stream_connect_finish (JA_XMPP_STREAM (source), res, NULL);
  *done = TRUE;
}

static void
closed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  gboolean *done = user_data;

  ja_xmpp_stream_close_finish (JA_XMPP_STREAM (source), res, NULL);
  *done = TRUE;
}

/* Runs the default context until cond or deadline (µs, monotonic). */
static void
run_until (gboolean (*cond) (gpointer), gpointer data, gint64 deadline)
{
  while (!cond (data) && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (200);
}

static gboolean
flag (gpointer data)
{
  return *(gboolean *) data;
}

typedef struct {
  GSocket *sock;
  gboolean eof;
} Peer;

static gboolean
peer_done (gpointer data)
{
  Peer *p = data;
  char buf[4096];
  gssize n;

  /* What the agent sends is read and dropped; its close ends the run. */
  while ((n = g_socket_receive (p->sock, buf, sizeof buf, NULL, NULL)) > 0)
    ;
  if (n == 0)
    p->eof = TRUE;
  return p->eof;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean once;
  JaXmppStreamConfig cfg = { 0 };
  JaXmppStream *stream;
  JaAgent *agent;
  /* The callbacks' flags: connected, closed. Freed once both came. */
  gboolean *done = g_new0 (gboolean, 2);
  g_autoptr (GSocketClient) client = NULL;
  g_autoptr (GSocketConnection) conn = NULL;
  Peer peer = { 0 };
  GOutputStream *out;

  if (!once) { /* a peer must never reach g_warning/g_critical */
    g_autofree char *dir = g_dir_make_tmp ("fuzz-xmpp-peer-XXXXXX", NULL);

    g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    /* Host candidates on loopback only, as the tests run calls. */
    g_setenv ("JINGLE_AGENT_ICE_ADDRESSES", "127.0.0.1", TRUE);
    g_setenv ("XDG_DATA_HOME", dir, TRUE);
    identity = g_build_filename (dir, "identity.pem", NULL);
    known = g_build_filename (dir, "known_peers", NULL);
    once = TRUE;
  }
  cfg.jid = g_strdup ("agent@fuzz.test");
  cfg.direct_listen = g_strdup ("127.0.0.1:0");
  cfg.insecure_plaintext = TRUE;
  cfg.identity_file = g_strdup (identity);
  cfg.known_peers_file = g_strdup (known);
  cfg.iq_timeout_ms = 100;
  stream = ja_xmpp_stream_new (&cfg);
  ja_xmpp_stream_config_clear (&cfg);
  agent = ja_agent_new (stream);
  ja_agent_allow (agent, "peer@fuzz.test");
  ja_xmpp_stream_connect_async (stream, NULL, connected_cb, &done[0]);
  run_until (listening, stream, g_get_monotonic_time () + 5 * G_USEC_PER_SEC);
  g_assert (listening (stream));
  ja_agent_set_call_answer (agent, TRUE, 0);

  client = g_socket_client_new ();
  conn = g_socket_client_connect_to_host (client,
      ja_xmpp_stream_get_listen_address (stream), 0, NULL, NULL);
  g_assert (conn != NULL);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  peer.sock = g_socket_connection_get_socket (conn);
  g_socket_set_blocking (peer.sock, FALSE);
  /* Loopback buffers take far more than libFuzzer's inputs. */
  g_output_stream_write_all (out, PEER_HEADER, strlen (PEER_HEADER), NULL,
      NULL, NULL);
  g_output_stream_write_all (out, data, size, NULL, NULL, NULL);
  g_socket_shutdown (peer.sock, FALSE, TRUE, NULL);
  run_until (peer_done, &peer, g_get_monotonic_time () + RUN_US);
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  /* The listener outlives its peer. */
  run_until (listening, stream, g_get_monotonic_time () + RUN_US);
  g_assert (ja_xmpp_stream_is_ready (stream) || listening (stream));

  ja_xmpp_stream_close_async (stream, closed_cb, &done[1]);
  run_until (flag, &done[1], g_get_monotonic_time () + RUN_US);
  g_object_unref (agent);
  g_object_unref (stream);
  run_until (flag, &done[0], g_get_monotonic_time () + RUN_US);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  /* A connect or close that never completes leaks them: LeakSanitizer
   * says so. */
  if (done[0] && done[1])
    g_free (done);
  return 0;
}
