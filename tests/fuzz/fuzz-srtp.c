/* fuzz-srtp.c — libFuzzer target for SRTP/SRTCP input (media/srtp.c): the
 * input, as a received packet, goes through ja_srtp_unprotect() of fresh
 * contexts with fixed keys, for both DTLS-SRTP profiles and the two
 * AEAD-GCM ones. It may fail
 * (counted) but never crash or grow. Then the same bytes are protected as
 * if sent: what protects must unprotect back to the same bytes. */

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "media/srtp.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The seeds in corpus/srtp were protected with these keys (see
 * fuzz_srtp_keys below; client writes). */
static void
fuzz_srtp_keys (JaSrtpKeys *keys, JaSrtpProfile profile)
{
  memset (keys, 0, sizeof *keys);
  keys->profile = profile;
  keys->key_len = profile == JA_SRTP_PROFILE_AEAD_AES_256_GCM ? 32 : 16;
  keys->salt_len = profile == JA_SRTP_PROFILE_AEAD_AES_128_GCM
      || profile == JA_SRTP_PROFILE_AEAD_AES_256_GCM ? 12 : 14;
  for (guint i = 0; i < 32; i++) {
    keys->client_key[i] = (guint8) (0x10 + i);
    keys->server_key[i] = (guint8) (0x80 + i);
  }
  for (guint i = 0; i < 14; i++) {
    keys->client_salt[i] = (guint8) (0x30 + i);
    keys->server_salt[i] = (guint8) (0xa0 + i);
  }
}

static void
one_profile (JaSrtpProfile profile, const uint8_t *data, size_t size)
{
  JaSrtpKeys keys;
  g_autoptr (JaSrtp) server = NULL;
  g_autoptr (JaSrtp) client = NULL;
  g_autoptr (JaSrtp) peer = NULL;
  g_autofree guint8 *buf = g_malloc (size + JA_SRTP_MAX_TRAILER + 1);
  g_autofree guint8 *orig = g_malloc (size + 1);
  gsize len = size;
  JaSrtpStats st;

  fuzz_srtp_keys (&keys, profile);
  server = ja_srtp_new (&keys, FALSE, NULL);
  client = ja_srtp_new (&keys, TRUE, NULL);
  peer = ja_srtp_new (&keys, FALSE, NULL);   /* has seen nothing yet */
  g_assert (server != NULL && client != NULL && peer != NULL);

  memcpy (buf, data, size);
  if (ja_srtp_unprotect (server, buf, &len, NULL))
    g_assert (len <= size);
  else
    g_assert (len == size);
  ja_srtp_get_stats (server, &st);
  g_assert (st.unprotected_rtp + st.unprotected_rtcp + st.auth_failures
      + st.replays + st.other_failures == 1);

  /* Sent as is: protect, then the peer's unprotect gives it back. */
  memcpy (buf, data, size);
  memcpy (orig, data, size);
  len = size;
  if (ja_srtp_protect (client, buf, &len, NULL)) {
    g_assert (len > size && len <= size + JA_SRTP_MAX_TRAILER);
    g_assert (ja_srtp_unprotect (peer, buf, &len, NULL));
    g_assert (len == size && memcmp (buf, orig, size) == 0);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size > 4096)
    return 0;
  one_profile (JA_SRTP_PROFILE_AES128_CM_SHA1_80, data, size);
  one_profile (JA_SRTP_PROFILE_AES128_CM_SHA1_32, data, size);
  one_profile (JA_SRTP_PROFILE_AEAD_AES_128_GCM, data, size);
  one_profile (JA_SRTP_PROFILE_AEAD_AES_256_GCM, data, size);
  return 0;
}
