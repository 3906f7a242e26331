/* test-srtp.c — SRTP/SRTCP (media/srtp.c, RFC 3711, RFC 5761, RFC 5764):
 * round trips for both DTLS-SRTP profiles with fixed keys and with keys
 * from a real DTLS handshake, no plaintext on the wire, tampering and
 * replay dropped and counted, a reordering window of 1024, directional
 * keys, and protect/unprotect on two threads. */
#include <string.h>

#include <gnutls/gnutls.h>

#include "dtls-pipe.h"
#include "media/media-error.h"
#include "media/srtp.h"

#define PAYLOAD 160             /* an Opus frame */
#define BUF (12 + PAYLOAD + JA_SRTP_MAX_TRAILER)

static JaSrtpKeys *
fixed_keys (JaSrtpProfile profile)
{
  JaSrtpKeys *keys = g_new0 (JaSrtpKeys, 1);
  GRand *rand = g_rand_new_with_seed (3711);
  gboolean gcm = profile == JA_SRTP_PROFILE_AEAD_AES_128_GCM
      || profile == JA_SRTP_PROFILE_AEAD_AES_256_GCM;

  keys->profile = profile;
  keys->key_len = profile == JA_SRTP_PROFILE_AEAD_AES_256_GCM ? 32 : 16;
  keys->salt_len = gcm ? 12 : 14;
  for (gsize i = 0; i < sizeof keys->client_key; i++) {
    keys->client_key[i] = (guint8) g_rand_int (rand);
    keys->server_key[i] = (guint8) g_rand_int (rand);
  }
  for (gsize i = 0; i < sizeof keys->client_salt; i++) {
    keys->client_salt[i] = (guint8) g_rand_int (rand);
    keys->server_salt[i] = (guint8) g_rand_int (rand);
  }
  g_rand_free (rand);
  return keys;
}

/* An RTP packet: V=2, PT 111 (Opus), the given sequence number. */
static gsize
make_rtp (guint8 *buf, guint16 seq, guint8 fill)
{
  memset (buf, 0, BUF);
  buf[0] = 0x80;
  buf[1] = 111;
  buf[2] = (guint8) (seq >> 8);
  buf[3] = (guint8) seq;
  buf[4] = 0x00; buf[5] = 0x01; buf[6] = (guint8) (seq >> 8); buf[7] = (guint8) seq;
  buf[8] = 0xde; buf[9] = 0xad; buf[10] = 0xbe; buf[11] = 0xef;
  for (gsize i = 0; i < PAYLOAD; i++)
    buf[12 + i] = (guint8) (fill + i);
  return 12 + PAYLOAD;
}

/* An RTCP sender report (PT 200) with one report block. */
static gsize
make_rtcp (guint8 *buf)
{
  gsize len = 8 + 20 + 24;

  memset (buf, 0, BUF);
  buf[0] = 0x81;                /* V=2, RC=1 */
  buf[1] = 200;
  buf[2] = 0;
  buf[3] = (guint8) (len / 4 - 1);
  buf[4] = 0xde; buf[5] = 0xad; buf[6] = 0xbe; buf[7] = 0xef;
  for (gsize i = 8; i < len; i++)
    buf[i] = (guint8) (0x40 + i);
  return len;
}

static void
pair_new (const JaSrtpKeys *keys, JaSrtp **client, JaSrtp **server)
{
  g_autoptr (GError) error = NULL;

  *client = ja_srtp_new (keys, TRUE, &error);
  g_assert_no_error (error);
  *server = ja_srtp_new (keys, FALSE, &error);
  g_assert_no_error (error);
}

/* One packet from `from` to `to`: protected, changed on the wire, back to
 * the original. Returns the protected length. */
static gsize
round_trip (JaSrtp *from, JaSrtp *to, guint8 *buf, gsize len)
{
  g_autoptr (GError) error = NULL;
  guint8 orig[BUF];
  gsize wire = len;
  gsize header = ja_srtp_packet_is_rtcp (buf, len) ? 8 : 12;
  gsize protected_len;

  memcpy (orig, buf, len);
  g_assert_true (ja_srtp_protect (from, buf, &wire, &error));
  g_assert_no_error (error);
  protected_len = wire;
  g_assert_cmpuint (wire, >, len);
  g_assert_cmpuint (wire, <=, len + JA_SRTP_MAX_TRAILER);
  /* Header in the clear, body encrypted. */
  g_assert_cmpmem (buf, header, orig, header);
  g_assert_true (memcmp (buf + header, orig + header, len - header) != 0);
  g_assert_true (ja_srtp_unprotect (to, buf, &wire, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (buf, wire, orig, len);
  return protected_len;
}

typedef struct {
  JaSrtpProfile profile;
  const char *name;
  gsize rtp_tag;          /* bytes SRTP appends */
  gsize rtcp_tag;         /* bytes SRTCP appends after the 4-byte E+index */
} ProfileCase;

static const ProfileCase profile_cases[] = {
  { JA_SRTP_PROFILE_AES128_CM_SHA1_80, "SRTP_AES128_CM_HMAC_SHA1_80", 10, 10 },
  /* RFC 5764 §4.1.2: SRTCP keeps the 80-bit tag. */
  { JA_SRTP_PROFILE_AES128_CM_SHA1_32, "SRTP_AES128_CM_HMAC_SHA1_32", 4, 10 },
  /* RFC 7714: a 16-byte GCM tag on both. */
  { JA_SRTP_PROFILE_AEAD_AES_128_GCM, "SRTP_AEAD_AES_128_GCM", 16, 16 },
  { JA_SRTP_PROFILE_AEAD_AES_256_GCM, "SRTP_AEAD_AES_256_GCM", 16, 16 },
};

static void
test_round_trip (gconstpointer data)
{
  const ProfileCase *pc = data;
  g_autoptr (JaSrtpKeys) keys = fixed_keys (pc->profile);
  g_autoptr (JaSrtp) client = NULL;
  g_autoptr (JaSrtp) server = NULL;
  guint8 buf[BUF];
  gsize len, wire, tag = pc->rtp_tag;
  JaSrtpStats st;

  pair_new (keys, &client, &server);
  for (guint16 seq = 1; seq <= 5; seq++) {
    len = make_rtp (buf, seq, (guint8) seq);
    g_assert_false (ja_srtp_packet_is_rtcp (buf, len));
    wire = round_trip (client, server, buf, len);
    g_assert_cmpuint (wire, ==, len + tag);
    len = make_rtp (buf, seq, (guint8) (seq + 100));
    wire = round_trip (server, client, buf, len);
    g_assert_cmpuint (wire, ==, len + tag);
  }
  /* SRTCP: E bit + index (4), then the tag. */
  len = make_rtcp (buf);
  g_assert_true (ja_srtp_packet_is_rtcp (buf, len));
  g_assert_cmpuint (round_trip (client, server, buf, len), ==,
      len + 4 + pc->rtcp_tag);
  len = make_rtcp (buf);
  g_assert_cmpuint (round_trip (server, client, buf, len), ==,
      len + 4 + pc->rtcp_tag);

  ja_srtp_get_stats (client, &st);
  g_assert_cmpuint (st.protected_rtp, ==, 5);
  g_assert_cmpuint (st.unprotected_rtp, ==, 5);
  g_assert_cmpuint (st.protected_rtcp, ==, 1);
  g_assert_cmpuint (st.unprotected_rtcp, ==, 1);
  g_assert_cmpuint (st.auth_failures + st.replays + st.other_failures, ==, 0);
  g_assert_cmpstr (ja_srtp_profile_to_string (pc->profile), ==, pc->name);
}

/* Keys as a real handshake exports them, both role assignments. */
static void
test_dtls_keys (void)
{
  DtlsPipe *pipe = dtls_pipe_new (JA_DTLS_ROLE_SERVER, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (JaSrtp) server = NULL;
  g_autoptr (JaSrtp) client = NULL;
  guint8 buf[BUF];
  gsize len;

  ja_dtls_start (pipe->end[0].dtls);
  ja_dtls_start (pipe->end[1].dtls);
  g_assert_true (dtls_pipe_run (pipe, 5000));
  g_assert_nonnull (pipe->end[0].keys);
  g_assert_nonnull (pipe->end[1].keys);
  /* Each side keys its JaSrtp from its own export. */
  server = ja_srtp_new (pipe->end[0].keys, FALSE, &error);
  g_assert_no_error (error);
  client = ja_srtp_new (pipe->end[1].keys, TRUE, &error);
  g_assert_no_error (error);
  len = make_rtp (buf, 42, 7);
  round_trip (client, server, buf, len);
  len = make_rtp (buf, 43, 9);
  round_trip (server, client, buf, len);
  len = make_rtcp (buf);
  round_trip (server, client, buf, len);
  dtls_pipe_free (pipe);
}

/* One flipped bit anywhere: dropped as an authentication failure. */
static void
test_tamper (void)
{
  g_autoptr (JaSrtpKeys) keys = fixed_keys (JA_SRTP_PROFILE_AES128_CM_SHA1_80);
  g_autoptr (JaSrtp) client = NULL;
  g_autoptr (JaSrtp) server = NULL;
  const gsize positions[] = { 20, 12 + PAYLOAD + 3 };
  guint8 buf[BUF];
  gsize len, wire;
  JaSrtpStats st;

  pair_new (keys, &client, &server);
  for (gsize i = 0; i < G_N_ELEMENTS (positions); i++) {
    g_autoptr (GError) error = NULL;

    len = wire = make_rtp (buf, (guint16) (i + 1), 1);
    g_assert_true (ja_srtp_protect (client, buf, &wire, NULL));
    buf[positions[i]] ^= 0x04;
    g_assert_false (ja_srtp_unprotect (server, buf, &wire, &error));
    g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_SRTP);
    g_assert_cmpuint (wire, ==, len + 10);   /* unchanged */
  }
  {
    g_autoptr (GError) error = NULL;

    len = wire = make_rtcp (buf);
    g_assert_true (ja_srtp_protect (client, buf, &wire, NULL));
    buf[9] ^= 0x80;
    g_assert_false (ja_srtp_unprotect (server, buf, &wire, &error));
    g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_SRTP);
  }
  ja_srtp_get_stats (server, &st);
  g_assert_cmpuint (st.auth_failures, ==, 3);
  g_assert_cmpuint (st.unprotected_rtp + st.unprotected_rtcp, ==, 0);
  g_assert_cmpuint (st.replays, ==, 0);
  /* After failures, a good packet still goes through. */
  len = make_rtp (buf, 10, 3);
  round_trip (client, server, buf, len);
}

/* The same packet twice: the second is a replay. */
static void
test_replay (void)
{
  g_autoptr (JaSrtpKeys) keys = fixed_keys (JA_SRTP_PROFILE_AES128_CM_SHA1_32);
  g_autoptr (JaSrtp) client = NULL;
  g_autoptr (JaSrtp) server = NULL;
  guint8 buf[BUF], copy[BUF];
  gsize wire, wire2;
  g_autoptr (GError) error = NULL;
  JaSrtpStats st;

  pair_new (keys, &client, &server);
  wire = make_rtp (buf, 1000, 5);
  g_assert_true (ja_srtp_protect (client, buf, &wire, NULL));
  memcpy (copy, buf, wire);
  wire2 = wire;
  g_assert_true (ja_srtp_unprotect (server, buf, &wire, NULL));
  g_assert_false (ja_srtp_unprotect (server, copy, &wire2, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_SRTP);
  g_clear_error (&error);

  wire = make_rtcp (buf);
  g_assert_true (ja_srtp_protect (client, buf, &wire, NULL));
  memcpy (copy, buf, wire);
  wire2 = wire;
  g_assert_true (ja_srtp_unprotect (server, buf, &wire, NULL));
  g_assert_false (ja_srtp_unprotect (server, copy, &wire2, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_SRTP);

  ja_srtp_get_stats (server, &st);
  g_assert_cmpuint (st.replays, ==, 2);
  g_assert_cmpuint (st.unprotected_rtp, ==, 1);
  g_assert_cmpuint (st.unprotected_rtcp, ==, 1);
  g_assert_cmpuint (st.auth_failures + st.other_failures, ==, 0);
}

/* 600 packets, the newest delivered first: all inside the window of 1024
 * (libsrtp2's default 128 would drop most). */
static void
test_reorder_window (void)
{
  g_autoptr (JaSrtpKeys) keys = fixed_keys (JA_SRTP_PROFILE_AES128_CM_SHA1_80);
  g_autoptr (JaSrtp) client = NULL;
  g_autoptr (JaSrtp) server = NULL;
  const guint n = 600;
  guint8 (*wire)[BUF] = g_malloc ((gsize) n * BUF);
  gsize *lens = g_new (gsize, n);
  JaSrtpStats st;

  pair_new (keys, &client, &server);
  for (guint i = 0; i < n; i++) {
    lens[i] = make_rtp (wire[i], (guint16) (i + 1), (guint8) i);
    g_assert_true (ja_srtp_protect (client, wire[i], &lens[i], NULL));
  }
  g_assert_true (ja_srtp_unprotect (server, wire[n - 1], &lens[n - 1], NULL));
  for (guint i = 0; i + 1 < n; i++)
    g_assert_true (ja_srtp_unprotect (server, wire[i], &lens[i], NULL));
  ja_srtp_get_stats (server, &st);
  g_assert_cmpuint (st.unprotected_rtp, ==, n);
  g_assert_cmpuint (st.replays, ==, 0);
  g_free (wire);
  g_free (lens);
}

/* Keys are directional: a client cannot read what a client wrote. */
static void
test_directional (void)
{
  g_autoptr (JaSrtpKeys) keys = fixed_keys (JA_SRTP_PROFILE_AES128_CM_SHA1_80);
  g_autoptr (GError) error = NULL;
  g_autoptr (JaSrtp) a = ja_srtp_new (keys, TRUE, &error);
  g_autoptr (JaSrtp) b = ja_srtp_new (keys, TRUE, &error);
  guint8 buf[BUF];
  gsize wire;
  JaSrtpStats st;

  g_assert_no_error (error);
  wire = make_rtp (buf, 1, 1);
  g_assert_true (ja_srtp_protect (a, buf, &wire, NULL));
  g_assert_false (ja_srtp_unprotect (b, buf, &wire, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_SRTP);
  ja_srtp_get_stats (b, &st);
  g_assert_cmpuint (st.auth_failures, ==, 1);
}

static void
test_bad_input (void)
{
  g_autoptr (JaSrtpKeys) keys = fixed_keys (JA_SRTP_PROFILE_AES128_CM_SHA1_80);
  g_autoptr (JaSrtp) client = NULL;
  g_autoptr (JaSrtp) server = NULL;
  guint8 buf[BUF] = { 0x80, 111, 0, 1 };
  gsize len = 4;
  JaSrtpStats st;
  g_autoptr (GError) error = NULL;

  pair_new (keys, &client, &server);
  g_assert_false (ja_srtp_unprotect (server, buf, &len, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_SRTP);
  g_clear_error (&error);
  len = make_rtp (buf, 1, 1);
  buf[0] = 0x40;                /* version 1 */
  g_assert_false (ja_srtp_unprotect (server, buf, &len, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_SRTP);
  g_clear_error (&error);
  len = 12;                     /* header only, no tag */
  buf[0] = 0x80;
  g_assert_false (ja_srtp_unprotect (server, buf, &len, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_SRTP);
  ja_srtp_get_stats (server, &st);
  g_assert_cmpuint (st.other_failures + st.auth_failures, ==, 3);
  g_assert_cmpuint (st.unprotected_rtp, ==, 0);

  {
    JaSrtpKeys bad = *keys;
    g_autoptr (GError) e2 = NULL;

    bad.key_len = 32;
    g_assert_null (ja_srtp_new (&bad, TRUE, &e2));
    g_assert_error (e2, JA_MEDIA_ERROR, JA_MEDIA_ERROR_SRTP);
    gnutls_memset (&bad, 0, sizeof bad);
  }
}

static void
test_is_rtcp (void)
{
  static const struct { guint8 b1; gboolean rtcp; } cases[] = {
    { 111, FALSE }, { 0x80 | 111, FALSE }, { 0, FALSE }, { 63, FALSE },
    { 0x80 | 63, FALSE }, { 192, TRUE }, { 200, TRUE }, { 201, TRUE },
    { 206, TRUE }, { 223, TRUE }, { 224, FALSE }, { 64, TRUE }, { 96, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    guint8 pkt[2] = { 0x80, cases[i].b1 };
    g_assert_cmpint (ja_srtp_packet_is_rtcp (pkt, 2), ==, cases[i].rtcp);
  }
  g_assert_false (ja_srtp_packet_is_rtcp ((const guint8 *) "\x80", 1));
}

/* Protect on one thread while unprotect runs on another, same JaSrtp. */
typedef struct {
  JaSrtp *srtp;
  guint n;
  guint8 (*pkts)[BUF];
  gsize *lens;
  guint ok;
} ThreadJob;

static gpointer
protect_thread (gpointer data)
{
  ThreadJob *job = data;

  for (guint i = 0; i < job->n; i++) {
    guint8 buf[BUF];
    gsize len = make_rtp (buf, (guint16) (i + 1), (guint8) i);
    job->ok += ja_srtp_protect (job->srtp, buf, &len, NULL);
  }
  return NULL;
}

static gpointer
unprotect_thread (gpointer data)
{
  ThreadJob *job = data;

  for (guint i = 0; i < job->n; i++)
    job->ok += ja_srtp_unprotect (job->srtp, job->pkts[i], &job->lens[i], NULL);
  return NULL;
}

static void
test_two_threads (void)
{
  g_autoptr (JaSrtpKeys) keys = fixed_keys (JA_SRTP_PROFILE_AES128_CM_SHA1_80);
  g_autoptr (JaSrtp) client = NULL;
  g_autoptr (JaSrtp) server = NULL;
  const guint n = 20000;
  ThreadJob out = { 0 }, in = { 0 };
  GThread *t1, *t2;
  JaSrtpStats st;

  pair_new (keys, &client, &server);
  in.srtp = out.srtp = client;
  in.n = out.n = n;
  in.pkts = g_malloc ((gsize) n * BUF);
  in.lens = g_new (gsize, n);
  for (guint i = 0; i < n; i++) {
    in.lens[i] = make_rtp (in.pkts[i], (guint16) (i + 1), (guint8) (i * 3));
    g_assert_true (ja_srtp_protect (server, in.pkts[i], &in.lens[i], NULL));
  }
  t1 = g_thread_new ("protect", protect_thread, &out);
  t2 = g_thread_new ("unprotect", unprotect_thread, &in);
  g_thread_join (t1);
  g_thread_join (t2);
  g_assert_cmpuint (out.ok, ==, n);
  g_assert_cmpuint (in.ok, ==, n);
  ja_srtp_get_stats (client, &st);
  g_assert_cmpuint (st.protected_rtp, ==, n);
  g_assert_cmpuint (st.unprotected_rtp, ==, n);
  g_assert_cmpuint (st.auth_failures + st.replays + st.other_failures, ==, 0);
  g_free (in.pkts);
  g_free (in.lens);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (profile_cases); i++) {
    g_autofree char *path = g_strdup_printf ("/srtp/round-trip/%s",
        profile_cases[i].name);
    g_test_add_data_func (path, &profile_cases[i], test_round_trip);
  }
  g_test_add_func ("/srtp/dtls-keys", test_dtls_keys);
  g_test_add_func ("/srtp/tamper", test_tamper);
  g_test_add_func ("/srtp/replay", test_replay);
  g_test_add_func ("/srtp/reorder-window", test_reorder_window);
  g_test_add_func ("/srtp/directional", test_directional);
  g_test_add_func ("/srtp/bad-input", test_bad_input);
  g_test_add_func ("/srtp/is-rtcp", test_is_rtcp);
  g_test_add_func ("/srtp/two-threads", test_two_threads);
  return g_test_run ();
}
