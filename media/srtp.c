/* srtp.c — SRTP and SRTCP (RFC 3711) through libsrtp2, keyed from
 * DTLS-SRTP (RFC 5764 §4.2), with RTP and RTCP on one component told apart
 * by the RFC 5761 §4 rule. One JaSrtp holds two libsrtp sessions: the
 * outbound one (our write key: the client's when we were the DTLS client)
 * used only by ja_srtp_protect(), and the inbound one (the peer's key) used
 * only by ja_srtp_unprotect(). libsrtp2 shares no mutable state between
 * sessions, so protect and unprotect may run on two threads without a lock;
 * the counters are updated atomically. Packets that fail authentication or
 * the replay check are dropped and counted. */
#include "media/srtp.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <srtp2/srtp.h>

#include "media/media-error.h"

/* Packets reordered by up to this many survive the replay check (libsrtp2's
 * default is 128; RFC 3711 §3.3.2 asks for at least 64). */
#define REPLAY_WINDOW 1024
#define RTP_HEADER 12
#define RTCP_HEADER 8
/* libsrtp2 takes int lengths; an IP datagram is never larger. */
#define MAX_PACKET 65535

struct _JaSrtp {
  srtp_t outbound;
  srtp_t inbound;
  JaSrtpProfile profile;
  /* Updated with __atomic builtins: protect and unprotect may be on two
   * threads, get_stats on a third. */
  JaSrtpStats stats;
};

const char *
ja_srtp_profile_to_string (JaSrtpProfile profile)
{
  switch (profile) {
  case JA_SRTP_PROFILE_AES128_CM_SHA1_80:
    return "SRTP_AES128_CM_HMAC_SHA1_80";
  case JA_SRTP_PROFILE_AES128_CM_SHA1_32:
    return "SRTP_AES128_CM_HMAC_SHA1_32";
  case JA_SRTP_PROFILE_AEAD_AES_128_GCM:
    return "SRTP_AEAD_AES_128_GCM";
  case JA_SRTP_PROFILE_AEAD_AES_256_GCM:
    return "SRTP_AEAD_AES_256_GCM";
  default:
    return "unknown";
  }
}

void
ja_srtp_keys_free (JaSrtpKeys *keys)
{
  if (keys == NULL)
    return;
  gnutls_memset (keys, 0, sizeof *keys);
  g_free (keys);
}

/* The one libsrtp2 → GError converter. */
static gboolean
set_srtp_error (GError **error, srtp_err_status_t status, const char *what)
{
  const char *why;

  switch (status) {
  case srtp_err_status_ok: return TRUE;
  case srtp_err_status_auth_fail: why = "authentication failed"; break;
  case srtp_err_status_replay_fail: why = "replayed packet"; break;
  case srtp_err_status_replay_old: why = "packet too old for the replay window"; break;
  case srtp_err_status_bad_param: why = "malformed packet or bad parameter"; break;
  case srtp_err_status_no_ctx: why = "no context for this SSRC"; break;
  case srtp_err_status_cipher_fail: why = "cipher failure"; break;
  case srtp_err_status_alloc_fail: why = "out of memory"; break;
  case srtp_err_status_init_fail: why = "initialisation failed"; break;
  case srtp_err_status_key_expired: why = "key expired"; break;
  case srtp_err_status_parse_err: why = "parse error"; break;
  default: why = "libsrtp2 error"; break;
  }
  g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_SRTP, "%s: %s (%d)",
      what, why, (int) status);
  return FALSE;
}

static gboolean
init_library (GError **error)
{
  static gsize once = 0;
  static srtp_err_status_t status = srtp_err_status_ok;

  if (g_once_init_enter (&once)) {
    status = srtp_init ();
    g_once_init_leave (&once, 1);
  }
  return set_srtp_error (error, status, "srtp_init");
}

static gboolean
set_crypto (JaSrtpProfile profile, srtp_policy_t *policy, GError **error)
{
  switch (profile) {
  case JA_SRTP_PROFILE_AES128_CM_SHA1_80:
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80 (&policy->rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80 (&policy->rtcp);
    return TRUE;
  case JA_SRTP_PROFILE_AES128_CM_SHA1_32:
    /* RFC 5764 §4.1.2: SRTCP keeps the 80-bit tag. */
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32 (&policy->rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80 (&policy->rtcp);
    return TRUE;
  case JA_SRTP_PROFILE_AEAD_AES_128_GCM:
    srtp_crypto_policy_set_aes_gcm_128_16_auth (&policy->rtp);
    srtp_crypto_policy_set_aes_gcm_128_16_auth (&policy->rtcp);
    return TRUE;
  case JA_SRTP_PROFILE_AEAD_AES_256_GCM:
    srtp_crypto_policy_set_aes_gcm_256_16_auth (&policy->rtp);
    srtp_crypto_policy_set_aes_gcm_256_16_auth (&policy->rtcp);
    return TRUE;
  default:
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_SRTP,
        "unknown SRTP profile %d", (int) profile);
    return FALSE;
  }
}

static gsize
expected_key_len (JaSrtpProfile profile)
{
  return profile == JA_SRTP_PROFILE_AEAD_AES_256_GCM ? 32 : 16;
}

static gsize
expected_salt_len (JaSrtpProfile profile)
{
  return profile == JA_SRTP_PROFILE_AEAD_AES_128_GCM
      || profile == JA_SRTP_PROFILE_AEAD_AES_256_GCM ? 12 : 14;
}

/* One direction: key || salt as libsrtp2 wants it. */
static gboolean
create_session (srtp_t *session, const JaSrtpKeys *keys, gboolean outbound,
    const guint8 *key, const guint8 *salt, GError **error)
{
  srtp_policy_t policy;
  guint8 master[32 + 14];
  srtp_err_status_t status;

  memset (&policy, 0, sizeof policy);
  if (!set_crypto (keys->profile, &policy, error))
    return FALSE;
  if (keys->key_len != expected_key_len (keys->profile)
      || keys->salt_len != expected_salt_len (keys->profile)) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_SRTP,
        "%s takes other key/salt lengths than %zu/%zu",
        ja_srtp_profile_to_string (keys->profile), keys->key_len,
        keys->salt_len);
    return FALSE;
  }
  memcpy (master, key, keys->key_len);
  memcpy (master + keys->key_len, salt, keys->salt_len);
  policy.key = master;
  policy.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
  policy.window_size = REPLAY_WINDOW;
  policy.allow_repeat_tx = 0;
  policy.next = NULL;
  status = srtp_create (session, &policy);
  gnutls_memset (master, 0, sizeof master);
  return set_srtp_error (error, status, "srtp_create");
}

JaSrtp *
ja_srtp_new (const JaSrtpKeys *keys, gboolean is_client, GError **error)
{
  g_autoptr (JaSrtp) self = NULL;

  g_return_val_if_fail (keys != NULL, NULL);

  if (!init_library (error))
    return NULL;
  self = g_new0 (JaSrtp, 1);
  self->profile = keys->profile;
  if (!create_session (&self->outbound, keys, TRUE,
          is_client ? keys->client_key : keys->server_key,
          is_client ? keys->client_salt : keys->server_salt, error)
      || !create_session (&self->inbound, keys, FALSE,
          is_client ? keys->server_key : keys->client_key,
          is_client ? keys->server_salt : keys->client_salt, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
ja_srtp_free (JaSrtp *self)
{
  if (self == NULL)
    return;
  /* srtp_dealloc zeroes the session keys it derived. */
  if (self->outbound != NULL)
    srtp_dealloc (self->outbound);
  if (self->inbound != NULL)
    srtp_dealloc (self->inbound);
  gnutls_memset (self, 0, sizeof *self);
  g_free (self);
}

gboolean
ja_srtp_packet_is_rtcp (const guint8 *buf, gsize len)
{
  guint pt;

  if (buf == NULL || len < 2)
    return FALSE;
  pt = buf[1] & 0x7f;
  return pt >= 64 && pt <= 95;
}

static inline void
count (guint64 *counter)
{
  __atomic_fetch_add (counter, 1, __ATOMIC_RELAXED);
}

/* Version 2 and a full fixed header, before libsrtp2 looks further. */
static gboolean
check_packet (const guint8 *buf, gsize len, gboolean rtcp, GError **error)
{
  if (len < (rtcp ? RTCP_HEADER : RTP_HEADER) || len > MAX_PACKET
      || (buf[0] >> 6) != 2) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_SRTP,
        "not an RTP/RTCP packet (%zu bytes)", len);
    return FALSE;
  }
  return TRUE;
}

gboolean
ja_srtp_protect (JaSrtp *self, guint8 *buf, gsize *len, GError **error)
{
  gboolean rtcp;
  int n;
  srtp_err_status_t status;

  g_return_val_if_fail (self != NULL && buf != NULL && len != NULL, FALSE);

  rtcp = ja_srtp_packet_is_rtcp (buf, *len);
  if (!check_packet (buf, *len, rtcp, error)
      || *len + JA_SRTP_MAX_TRAILER > MAX_PACKET) {
    if (error != NULL && *error == NULL)
      g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_SRTP,
          "packet too large to protect (%zu bytes)", *len);
    count (&self->stats.other_failures);
    return FALSE;
  }
  n = (int) *len;
  status = rtcp ? srtp_protect_rtcp (self->outbound, buf, &n)
      : srtp_protect (self->outbound, buf, &n);
  if (status != srtp_err_status_ok) {
    count (&self->stats.other_failures);
    return set_srtp_error (error, status, rtcp ? "SRTCP protect"
        : "SRTP protect");
  }
  g_assert (n >= (int) *len && n <= (int) *len + JA_SRTP_MAX_TRAILER);
  *len = (gsize) n;
  count (rtcp ? &self->stats.protected_rtcp : &self->stats.protected_rtp);
  return TRUE;
}

gboolean
ja_srtp_unprotect (JaSrtp *self, guint8 *buf, gsize *len, GError **error)
{
  gboolean rtcp;
  int n;
  srtp_err_status_t status;

  g_return_val_if_fail (self != NULL && buf != NULL && len != NULL, FALSE);

  rtcp = ja_srtp_packet_is_rtcp (buf, *len);
  if (!check_packet (buf, *len, rtcp, error)) {
    count (&self->stats.other_failures);
    return FALSE;
  }
  n = (int) *len;
  status = rtcp ? srtp_unprotect_rtcp (self->inbound, buf, &n)
      : srtp_unprotect (self->inbound, buf, &n);
  switch (status) {
  case srtp_err_status_ok:
    g_assert (n >= 0 && n <= (int) *len);
    *len = (gsize) n;
    count (rtcp ? &self->stats.unprotected_rtcp : &self->stats.unprotected_rtp);
    return TRUE;
  case srtp_err_status_auth_fail:
    count (&self->stats.auth_failures);
    break;
  case srtp_err_status_replay_fail:
  case srtp_err_status_replay_old:
    count (&self->stats.replays);
    break;
  default:
    count (&self->stats.other_failures);
    break;
  }
  return set_srtp_error (error, status, rtcp ? "SRTCP unprotect"
      : "SRTP unprotect");
}

void
ja_srtp_get_stats (JaSrtp *self, JaSrtpStats *stats)
{
  g_return_if_fail (self != NULL && stats != NULL);

  stats->protected_rtp = __atomic_load_n (&self->stats.protected_rtp, __ATOMIC_RELAXED);
  stats->protected_rtcp = __atomic_load_n (&self->stats.protected_rtcp, __ATOMIC_RELAXED);
  stats->unprotected_rtp = __atomic_load_n (&self->stats.unprotected_rtp, __ATOMIC_RELAXED);
  stats->unprotected_rtcp = __atomic_load_n (&self->stats.unprotected_rtcp, __ATOMIC_RELAXED);
  stats->auth_failures = __atomic_load_n (&self->stats.auth_failures, __ATOMIC_RELAXED);
  stats->replays = __atomic_load_n (&self->stats.replays, __ATOMIC_RELAXED);
  stats->other_failures = __atomic_load_n (&self->stats.other_failures, __ATOMIC_RELAXED);
}
