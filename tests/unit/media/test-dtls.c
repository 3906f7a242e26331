/* test-dtls.c — DTLS-SRTP handshakes (media/dtls.c, RFC 5763/5764) between
 * two JaDtls endpoints over an in-memory pipe on one main context: both
 * role assignments, crosswise key agreement, fingerprint checks (wrong,
 * late), loss and retransmission, garbage, the handshake deadline, records
 * queued before start, and a DTLS 1.3-capable ClientHello answered with
 * DTLS 1.2. */
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "dtls-pipe.h"
#include "media/media-error.h"

#define RUN_MS 5000

/* Both ends have keys for the same profile; the client's write key is the
 * same on both sides, the server's too, and the two differ. */
static void
assert_keys_agree (DtlsPipe *pipe)
{
  JaSrtpKeys *a = pipe->end[0].keys, *b = pipe->end[1].keys;

  g_assert_no_error (pipe->end[0].error);
  g_assert_no_error (pipe->end[1].error);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpint (a->profile, ==, b->profile);
  g_assert_true (a->profile == JA_SRTP_PROFILE_AES128_CM_SHA1_80
      || a->profile == JA_SRTP_PROFILE_AES128_CM_SHA1_32);
  g_assert_cmpuint (a->key_len, ==, 16);
  g_assert_cmpuint (a->salt_len, ==, 14);
  g_assert_cmpuint (b->key_len, ==, a->key_len);
  g_assert_cmpuint (b->salt_len, ==, a->salt_len);
  g_assert_cmpmem (a->client_key, a->key_len, b->client_key, b->key_len);
  g_assert_cmpmem (a->server_key, a->key_len, b->server_key, b->key_len);
  g_assert_cmpmem (a->client_salt, a->salt_len, b->client_salt, b->salt_len);
  g_assert_cmpmem (a->server_salt, a->salt_len, b->server_salt, b->salt_len);
  g_assert_true (memcmp (a->client_key, a->server_key, a->key_len) != 0);
  g_assert_true (memcmp (a->client_salt, a->server_salt, a->salt_len) != 0);
}

static void
assert_done (DtlsPipe *pipe, guint i)
{
  JaDtls *d = pipe->end[i].dtls;

  g_assert_true (ja_dtls_is_done (d));
  g_assert_cmpstr (ja_dtls_get_version_name (d), ==, "DTLS1.2");
  g_assert_cmpuint (ja_dtls_get_handshake_ms (d), >, 0);
  g_assert_cmpuint (ja_dtls_get_handshake_ms (d), <, RUN_MS);
  g_assert_cmpuint (ja_dtls_get_handshake_us (d), >, 0);
}

static void
test_handshake (gconstpointer data)
{
  JaDtlsRole role0 = GPOINTER_TO_INT (data);
  DtlsPipe *pipe = dtls_pipe_new (role0, TRUE);

  g_assert_cmpint (ja_dtls_get_role (pipe->end[0].dtls), ==, role0);
  g_assert_cmpint (ja_dtls_get_role (pipe->end[1].dtls), !=, role0);
  g_assert_cmpuint (ja_dtls_get_handshake_ms (pipe->end[0].dtls), ==, 0);
  g_assert_null (ja_dtls_get_version_name (pipe->end[0].dtls));
  /* end[0] starts first, whatever its role. */
  ja_dtls_start (pipe->end[0].dtls);
  ja_dtls_start (pipe->end[1].dtls);
  /* Never reported from inside start. */
  g_assert_false (pipe->end[0].finished || pipe->end[1].finished);
  g_assert_true (dtls_pipe_run (pipe, RUN_MS));
  assert_keys_agree (pipe);
  assert_done (pipe, 0);
  assert_done (pipe, 1);
  g_test_message ("handshake: client %" G_GUINT64_FORMAT " us, server %"
      G_GUINT64_FORMAT " us",
      ja_dtls_get_handshake_us (pipe->end[role0 == JA_DTLS_ROLE_CLIENT ? 0 : 1].dtls),
      ja_dtls_get_handshake_us (pipe->end[role0 == JA_DTLS_ROLE_CLIENT ? 1 : 0].dtls));
  dtls_pipe_free (pipe);
}

/* The mean client-side handshake time over several runs, for the record. */
static void
test_handshake_timing (void)
{
  const guint runs = 10;
  guint64 total = 0;

  for (guint r = 0; r < runs; r++) {
    DtlsPipe *pipe = dtls_pipe_new (JA_DTLS_ROLE_CLIENT, TRUE);

    ja_dtls_start (pipe->end[1].dtls);
    ja_dtls_start (pipe->end[0].dtls);
    g_assert_true (dtls_pipe_run (pipe, RUN_MS));
    assert_keys_agree (pipe);
    total += ja_dtls_get_handshake_us (pipe->end[0].dtls);
    dtls_pipe_free (pipe);
  }
  g_assert_cmpuint (total, >, 0);
  g_test_message ("in-memory DTLS 1.2 handshake (ECDSA P-256, client view): "
      "mean %.2f ms over %u runs", (double) total / runs / 1000.0, runs);
}

/* wrong_end is told a fingerprint that is not its peer's. */
static void
test_wrong_fingerprint (gconstpointer data)
{
  guint wrong_end = GPOINTER_TO_UINT (data);
  DtlsPipe *pipe = dtls_pipe_new (JA_DTLS_ROLE_CLIENT, FALSE);
  g_autoptr (JaDtlsCert) other = ja_dtls_cert_load_or_create (NULL, NULL);
  guint good_end = 1 - wrong_end;

  g_assert_nonnull (other);
  ja_dtls_set_peer_fingerprint (pipe->end[wrong_end].dtls, "sha-256",
      ja_dtls_cert_get_fingerprint (other));
  ja_dtls_set_peer_fingerprint (pipe->end[good_end].dtls, "sha-256",
      ja_dtls_cert_get_fingerprint (pipe->end[wrong_end].cert));
  ja_dtls_start (pipe->end[0].dtls);
  ja_dtls_start (pipe->end[1].dtls);
  g_assert_true (dtls_pipe_run_end (pipe, wrong_end, RUN_MS));
  g_assert_error (pipe->end[wrong_end].error, JA_MEDIA_ERROR,
      JA_MEDIA_ERROR_FINGERPRINT);
  g_assert_null (pipe->end[wrong_end].keys);
  g_assert_false (ja_dtls_is_done (pipe->end[wrong_end].dtls));
  g_assert_cmpuint (ja_dtls_get_handshake_ms (pipe->end[wrong_end].dtls), ==, 0);
  /* The good end either never finishes (the client learns of the bad
   * certificate alert) or, as the server, had keys before the alert. */
  dtls_pipe_spin (pipe, 50);
  if (pipe->end[good_end].finished && pipe->end[good_end].keys == NULL)
    g_assert_error (pipe->end[good_end].error, JA_MEDIA_ERROR,
        JA_MEDIA_ERROR_DTLS);
  dtls_pipe_free (pipe);
}

/* The same fingerprint in lower case and with the hash name in upper case
 * is still the same fingerprint. */
static void
test_fingerprint_case (void)
{
  DtlsPipe *pipe = dtls_pipe_new (JA_DTLS_ROLE_CLIENT, FALSE);
  g_autofree char *lower0 = g_ascii_strdown (
      ja_dtls_cert_get_fingerprint (pipe->end[0].cert), -1);

  ja_dtls_set_peer_fingerprint (pipe->end[1].dtls, "SHA-256", lower0);
  ja_dtls_set_peer_fingerprint (pipe->end[0].dtls, "sha-256",
      ja_dtls_cert_get_fingerprint (pipe->end[1].cert));
  ja_dtls_start (pipe->end[0].dtls);
  ja_dtls_start (pipe->end[1].dtls);
  g_assert_true (dtls_pipe_run (pipe, RUN_MS));
  assert_keys_agree (pipe);
  dtls_pipe_free (pipe);
}

/* The peer's fingerprint may arrive after the handshake: keys wait for it,
 * and a sha-1 fingerprint works as well as sha-256. */
static void
test_late_fingerprint (void)
{
  DtlsPipe *pipe = dtls_pipe_new (JA_DTLS_ROLE_CLIENT, FALSE);
  gnutls_datum_t der;
  g_autofree char *sha1 = NULL;
  JaDtls *server = pipe->end[1].dtls;

  ja_dtls_set_peer_fingerprint (pipe->end[0].dtls, "sha-256",
      ja_dtls_cert_get_fingerprint (pipe->end[1].cert));
  ja_dtls_start (pipe->end[0].dtls);
  ja_dtls_start (server);
  g_assert_true (dtls_pipe_run_end (pipe, 0, RUN_MS));
  g_assert_nonnull (pipe->end[0].keys);
  dtls_pipe_spin (pipe, 30);
  g_assert_false (pipe->end[1].finished);
  g_assert_false (ja_dtls_is_done (server));

  /* The client's certificate (from its credentials), hashed with sha-1. */
  {
    gnutls_x509_crt_t *crts = NULL;
    unsigned n = 0;
    int ret = gnutls_certificate_get_x509_crt (
        ja_dtls_cert_get_credentials (pipe->end[0].cert), 0, &crts, &n);

    g_assert_cmpint (ret, ==, 0);
    g_assert_cmpuint (n, ==, 1);
    g_assert_cmpint (gnutls_x509_crt_export2 (crts[0], GNUTLS_X509_FMT_DER,
            &der), ==, 0);
    for (unsigned i = 0; i < n; i++)
      gnutls_x509_crt_deinit (crts[i]);
    gnutls_free (crts);
  }
  sha1 = ja_dtls_fingerprint_compute ("sha-1", der.data, der.size, NULL);
  gnutls_free (der.data);
  g_assert_nonnull (sha1);
  ja_dtls_set_peer_fingerprint (server, "sha-1", sha1);
  g_assert_false (pipe->end[1].finished);   /* reported from the loop */
  g_assert_true (dtls_pipe_run_end (pipe, 1, RUN_MS));
  assert_keys_agree (pipe);
  dtls_pipe_free (pipe);
}

/* Lose the first datagrams of each side: retransmission completes it. */
static void
test_retransmit (void)
{
  DtlsPipe *pipe = dtls_pipe_new (JA_DTLS_ROLE_CLIENT, TRUE);

  pipe->end[0].drop_first = 2;
  pipe->end[1].drop_first = 2;
  ja_dtls_set_timeouts (pipe->end[0].dtls, 20, RUN_MS);
  ja_dtls_set_timeouts (pipe->end[1].dtls, 20, RUN_MS);
  ja_dtls_start (pipe->end[0].dtls);
  ja_dtls_start (pipe->end[1].dtls);
  g_assert_true (dtls_pipe_run (pipe, RUN_MS));
  assert_keys_agree (pipe);
  g_assert_cmpuint (pipe->end[0].n_dropped, ==, 2);
  g_assert_cmpuint (pipe->end[1].n_dropped, ==, 2);
  /* More than the loss-free exchange: something was sent again. */
  g_assert_cmpuint (pipe->end[0].n_sent, >, 2 + 1);
  g_assert_cmpuint (pipe->end[1].n_sent, >, 2 + 1);
  dtls_pipe_free (pipe);
}

/* The server's last flight (ChangeCipherSpec, Finished) is lost after the
 * server has finished: the client retransmits its flight and the server,
 * already done, answers it again. */
static void
test_last_flight_lost (void)
{
  DtlsPipe *pipe = dtls_pipe_new (JA_DTLS_ROLE_CLIENT, TRUE);

  pipe->end[1].drop_ccs = 1;
  ja_dtls_set_timeouts (pipe->end[0].dtls, 20, RUN_MS);
  ja_dtls_set_timeouts (pipe->end[1].dtls, 20, RUN_MS);
  ja_dtls_start (pipe->end[0].dtls);
  ja_dtls_start (pipe->end[1].dtls);
  g_assert_true (dtls_pipe_run (pipe, RUN_MS));
  assert_keys_agree (pipe);
  g_assert_cmpuint (pipe->end[1].n_dropped, ==, 1);
  dtls_pipe_free (pipe);
}

/* Random datagrams before every real one don't break the handshake. */
static void
test_garbage (void)
{
  DtlsPipe *pipe = dtls_pipe_new (JA_DTLS_ROLE_CLIENT, TRUE);

  pipe->garbage_per_datagram = 3;
  ja_dtls_set_timeouts (pipe->end[0].dtls, 50, RUN_MS);
  ja_dtls_set_timeouts (pipe->end[1].dtls, 50, RUN_MS);
  ja_dtls_start (pipe->end[0].dtls);
  ja_dtls_start (pipe->end[1].dtls);
  /* Garbage straight into both before and between. */
  {
    static const guint8 junk[] = { 0x17, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 9,
      0, 3, 1, 2, 3 };
    ja_dtls_receive (pipe->end[0].dtls, junk, sizeof junk);
    ja_dtls_receive (pipe->end[1].dtls, junk, 5);
    ja_dtls_receive (pipe->end[1].dtls, (const guint8 *) "\x80\x00", 2);
  }
  g_assert_true (dtls_pipe_run (pipe, RUN_MS));
  assert_keys_agree (pipe);
  dtls_pipe_free (pipe);
}

/* A peer that never answers: JA_MEDIA_ERROR_DTLS at the deadline. */
static void
test_timeout (void)
{
  DtlsPipe *pipe = dtls_pipe_new (JA_DTLS_ROLE_CLIENT, TRUE);
  gint64 t0;
  gint64 elapsed_ms;

  pipe->end[0].drop_first = G_MAXUINT;
  ja_dtls_set_timeouts (pipe->end[0].dtls, 20, 300);
  t0 = g_get_monotonic_time ();
  ja_dtls_start (pipe->end[0].dtls);
  g_assert_false (pipe->end[0].finished);
  g_assert_true (dtls_pipe_run_end (pipe, 0, RUN_MS));
  elapsed_ms = (g_get_monotonic_time () - t0) / 1000;
  g_assert_error (pipe->end[0].error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_DTLS);
  g_assert_null (pipe->end[0].keys);
  g_assert_cmpint (elapsed_ms, >=, 290);
  g_assert_cmpint (elapsed_ms, <, 3000);   /* generous: a loaded CI host */
  /* It retransmitted while waiting. */
  g_assert_cmpuint (pipe->end[0].n_sent, >=, 2);
  dtls_pipe_free (pipe);
}

/* The server gets the ClientHello before ja_dtls_start(): it is kept. */
static void
test_queued_before_start (void)
{
  DtlsPipe *pipe = dtls_pipe_new (JA_DTLS_ROLE_CLIENT, TRUE);

  ja_dtls_start (pipe->end[0].dtls);
  dtls_pipe_spin (pipe, 20);
  g_assert_false (pipe->end[0].finished || pipe->end[1].finished);
  ja_dtls_start (pipe->end[1].dtls);
  g_assert_true (dtls_pipe_run (pipe, RUN_MS));
  assert_keys_agree (pipe);
  /* The queued ClientHello was answered: the client never had to send it
   * again (its timer is 1 s). */
  {
    GBytes *hello = g_ptr_array_index (pipe->end[0].sent, 0);
    guint copies = 0;

    for (guint i = 0; i < pipe->end[0].sent->len; i++)
      copies += g_bytes_equal (hello, g_ptr_array_index (pipe->end[0].sent, i));
    g_assert_cmpuint (copies, ==, 1);
  }
  dtls_pipe_free (pipe);
}

/* A plaintext fatal alert, as anyone on the path could forge, queued
 * before start: GnuTLS's DTLS waits on for the real flight and the
 * handshake completes. */
static void
test_spoofed_alert (void)
{
  static const guint8 alert[] = { 21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 2, 2, 40 };               /* fatal handshake_failure, epoch 0 */
  DtlsPipe *pipe = dtls_pipe_new (JA_DTLS_ROLE_CLIENT, TRUE);

  ja_dtls_receive (pipe->end[0].dtls, alert, sizeof alert);
  ja_dtls_receive (pipe->end[1].dtls, alert, sizeof alert);
  ja_dtls_start (pipe->end[0].dtls);
  ja_dtls_start (pipe->end[1].dtls);
  g_assert_false (pipe->end[0].finished || pipe->end[1].finished);
  g_assert_true (dtls_pipe_run (pipe, RUN_MS));
  assert_keys_agree (pipe);
  dtls_pipe_free (pipe);
}

/* --- a DTLS 1.3-capable ClientHello --- */

static guint
get24 (const guint8 *p)
{
  return ((guint) p[0] << 16) | ((guint) p[1] << 8) | p[2];
}

static void
put24 (guint8 *p, guint v)
{
  p[0] = (guint8) (v >> 16);
  p[1] = (guint8) (v >> 8);
  p[2] = (guint8) v;
}

/* Rewrites a real DTLS 1.2 ClientHello (one record, unfragmented) to carry
 * supported_versions { DTLS 1.3, DTLS 1.2 } (RFC 9147 §5.3) at the end of
 * its extensions. Returns the new datagram. */
static GByteArray *
add_dtls13_supported_versions (GBytes *hello)
{
  static const guint8 ext[] = { 0x00, 0x2b, 0x00, 0x05, 0x04,
    0xfe, 0xfc, 0xfe, 0xfd };
  gsize len;
  const guint8 *in = g_bytes_get_data (hello, &len);
  GByteArray *out = g_byte_array_new ();
  gsize p, body = 13 + 12, hs_len;
  guint ext_len;

  g_assert_cmpuint (len, >, body + 40);
  g_assert_cmpuint (in[0], ==, 22);         /* handshake record */
  g_assert_cmpuint (in[13], ==, 1);         /* ClientHello */
  hs_len = get24 (in + 14);
  g_assert_cmpuint (get24 (in + 22), ==, hs_len);   /* not fragmented */
  g_assert_cmpuint (len, ==, body + hs_len);
  p = body + 2 + 32;                        /* version, random */
  p += 1 + in[p];                           /* session id */
  p += 1 + in[p];                           /* cookie */
  p += 2 + (((gsize) in[p] << 8) | in[p + 1]);   /* cipher suites */
  p += 1 + in[p];                           /* compression */
  ext_len = ((guint) in[p] << 8) | in[p + 1];
  g_assert_cmpuint (p + 2 + ext_len, ==, len);

  g_byte_array_append (out, in, len);
  g_byte_array_append (out, ext, sizeof ext);
  out->data[p] = (guint8) ((ext_len + sizeof ext) >> 8);
  out->data[p + 1] = (guint8) (ext_len + sizeof ext);
  put24 (out->data + 14, (guint) (hs_len + sizeof ext));
  put24 (out->data + 22, (guint) (hs_len + sizeof ext));
  out->data[11] = (guint8) ((12 + hs_len + sizeof ext) >> 8);
  out->data[12] = (guint8) (12 + hs_len + sizeof ext);
  return out;
}

static void
test_dtls13_client_hello (void)
{
  DtlsPipe *pipe = dtls_pipe_new (JA_DTLS_ROLE_CLIENT, TRUE);
  JaDtls *server = pipe->end[1].dtls;
  GByteArray *hello13;
  GBytes *reply;
  const guint8 *r;
  gsize rlen;

  /* Capture the client's ClientHello without delivering it. */
  pipe->end[0].drop_first = 1;
  ja_dtls_start (pipe->end[0].dtls);
  g_assert_cmpuint (pipe->end[0].sent->len, ==, 1);
  hello13 = add_dtls13_supported_versions (g_ptr_array_index (pipe->end[0].sent, 0));

  pipe->end[1].drop_first = G_MAXUINT;      /* keep the reply for us */
  ja_dtls_start (server);
  ja_dtls_receive (server, hello13->data, hello13->len);
  g_byte_array_unref (hello13);
  dtls_pipe_spin (pipe, 20);
  g_assert_false (pipe->end[1].finished);   /* no failure */
  g_assert_cmpuint (pipe->end[1].sent->len, >=, 1);
  reply = g_ptr_array_index (pipe->end[1].sent, 0);
  r = g_bytes_get_data (reply, &rlen);
  g_assert_cmpuint (rlen, >, 13 + 12 + 2);
  g_assert_cmpuint (r[0], ==, 22);          /* handshake */
  g_assert_cmpuint (r[13], ==, 2);          /* ServerHello */
  g_assert_cmpuint (r[13 + 12], ==, 0xfe);  /* server_version DTLS 1.2 */
  g_assert_cmpuint (r[13 + 12 + 1], ==, 0xfd);
  dtls_pipe_free (pipe);
}

static void
test_is_dtls_packet (void)
{
  const guint8 p19[] = { 19 }, p20[] = { 20 }, p63[] = { 63 }, p64[] = { 64 },
      p128[] = { 128 }, p0[] = { 0 };

  g_assert_false (ja_dtls_is_dtls_packet (p19, 1));
  g_assert_true (ja_dtls_is_dtls_packet (p20, 1));
  g_assert_true (ja_dtls_is_dtls_packet (p63, 1));
  g_assert_false (ja_dtls_is_dtls_packet (p64, 1));   /* TURN channel */
  g_assert_false (ja_dtls_is_dtls_packet (p128, 1));  /* RTP */
  g_assert_false (ja_dtls_is_dtls_packet (p0, 1));    /* STUN */
  g_assert_false (ja_dtls_is_dtls_packet (p20, 0));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/dtls/handshake/end0-client",
      GINT_TO_POINTER (JA_DTLS_ROLE_CLIENT), test_handshake);
  g_test_add_data_func ("/dtls/handshake/end0-server",
      GINT_TO_POINTER (JA_DTLS_ROLE_SERVER), test_handshake);
  g_test_add_func ("/dtls/handshake/timing", test_handshake_timing);
  g_test_add_data_func ("/dtls/fingerprint/wrong-at-client",
      GUINT_TO_POINTER (0), test_wrong_fingerprint);
  g_test_add_data_func ("/dtls/fingerprint/wrong-at-server",
      GUINT_TO_POINTER (1), test_wrong_fingerprint);
  g_test_add_func ("/dtls/fingerprint/case", test_fingerprint_case);
  g_test_add_func ("/dtls/fingerprint/late", test_late_fingerprint);
  g_test_add_func ("/dtls/loss/retransmit", test_retransmit);
  g_test_add_func ("/dtls/loss/last-flight", test_last_flight_lost);
  g_test_add_func ("/dtls/loss/garbage", test_garbage);
  g_test_add_func ("/dtls/timeout", test_timeout);
  g_test_add_func ("/dtls/queued-before-start", test_queued_before_start);
  g_test_add_func ("/dtls/loss/spoofed-alert", test_spoofed_alert);
  g_test_add_func ("/dtls/dtls13-client-hello", test_dtls13_client_hello);
  g_test_add_func ("/dtls/is-dtls-packet", test_is_dtls_packet);
  return g_test_run ();
}
