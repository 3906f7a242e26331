/* fuzz-dtls.c — libFuzzer target for the DTLS-SRTP handshake
 * (media/dtls.c): the input is a series of datagrams, each a 2-byte
 * big-endian length and that many bytes (the last one takes what is left),
 * fed to a server-role JaDtls as a peer would send them; bit 0 of the first
 * byte chooses whether they arrive before or after ja_dtls_start(). The
 * main context runs after each datagram. Nothing may crash, warn or report
 * keys (no input can prove the peer's key behind the signalled
 * fingerprint), and a report carries exactly one of keys or error. */

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "media/dtls.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A fingerprint no certificate has: the handshake can never succeed. */
#define PEER_FP "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:" \
  "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"
#define MAX_DATAGRAMS 32

static JaDtlsCert *
the_cert (void)
{
  static JaDtlsCert *cert;

  if (cert == NULL) {
    g_autoptr (GError) error = NULL;

    cert = ja_dtls_cert_load_or_create (NULL, &error);
    g_assert_no_error (error);
  }
  return cert;
}

static gboolean
send_cb (const guint8 *data, gsize len, gpointer user_data)
{
  guint *n_sent = user_data;

  g_assert (data != NULL && len > 0);
  (*n_sent)++;
  return TRUE;
}

static void
done_cb (JaDtls *dtls, JaSrtpKeys *keys, const GError *error,
    gpointer user_data)
{
  g_assert (keys == NULL && error != NULL);
}

static void
run_pending (GMainContext *ctx)
{
  for (guint i = 0; i < 8 && g_main_context_iteration (ctx, FALSE); i++)
    ;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GMainContext *ctx = g_main_context_new ();
  g_autoptr (GError) error = NULL;
  JaDtls *dtls;
  guint n_sent = 0;
  gboolean start_first = size > 0 && (data[0] & 1);
  gsize pos = size > 0 ? 1 : 0;

  g_main_context_push_thread_default (ctx);
  dtls = ja_dtls_new (the_cert (), JA_DTLS_ROLE_SERVER, "sha-256", PEER_FP,
      send_cb, done_cb, &n_sent, &error);
  g_assert_no_error (error);
  if (start_first)
    ja_dtls_start (dtls);
  for (guint n = 0; n < MAX_DATAGRAMS && pos < size; n++) {
    gsize len = size - pos;

    if (len >= 2) {
      gsize want = ((gsize) data[pos] << 8) | data[pos + 1];

      pos += 2;
      len = MIN (want, size - pos);
    }
    ja_dtls_receive (dtls, data + pos, len);
    pos += len;
    run_pending (ctx);
  }
  if (!start_first)
    ja_dtls_start (dtls);
  run_pending (ctx);
  g_assert (!ja_dtls_is_done (dtls));
  ja_dtls_free (dtls);
  run_pending (ctx);
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);
  return 0;
}
