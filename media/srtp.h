/* srtp.h — SRTP/SRTCP through libsrtp2 (RFC 3711, RFC 5764 keying,
 * RFC 5761 rtcp-mux). One JaSrtp per ICE component: an outbound context
 * keyed with our write key and an inbound one keyed with the peer's.
 * Authentication failures and replays are dropped and counted. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  JA_SRTP_PROFILE_AES128_CM_SHA1_80 = 1,   /* RFC 5764 SRTP_AES128_CM_HMAC_SHA1_80 */
  JA_SRTP_PROFILE_AES128_CM_SHA1_32 = 2,   /* SRTP_AES128_CM_HMAC_SHA1_32 */
  JA_SRTP_PROFILE_AEAD_AES_128_GCM = 7,    /* RFC 7714 */
  JA_SRTP_PROFILE_AEAD_AES_256_GCM = 8,
} JaSrtpProfile;

/* "SRTP_AES128_CM_HMAC_SHA1_80", … */
const char *ja_srtp_profile_to_string (JaSrtpProfile profile);

/* What DTLS-SRTP exports (RFC 5764 §4.2): the client's and the server's
 * master key and salt. Wiped when freed. */
typedef struct {
  JaSrtpProfile profile;
  guint8 client_key[32];
  guint8 server_key[32];
  guint8 client_salt[14];
  guint8 server_salt[14];
  gsize key_len;      /* 16 or 32 */
  gsize salt_len;     /* 14 (CM) or 12 (GCM) */
} JaSrtpKeys;

void ja_srtp_keys_free (JaSrtpKeys *keys);   /* wipes, then frees */

typedef struct {
  guint64 protected_rtp, protected_rtcp;
  guint64 unprotected_rtp, unprotected_rtcp;
  guint64 auth_failures;        /* dropped: bad tag */
  guint64 replays;              /* dropped: replayed or too old */
  guint64 other_failures;
} JaSrtpStats;

typedef struct _JaSrtp JaSrtp;

/* is_client: we were the DTLS client (we write with the client key).
 * (transfer full) */
JaSrtp *ja_srtp_new (const JaSrtpKeys *keys, gboolean is_client, GError **error);
void ja_srtp_free (JaSrtp *srtp);

/* The extra bytes protect may append (auth tag + SRTCP index). */
#define JA_SRTP_MAX_TRAILER 32

/* In place: buf holds *len bytes of an RTP or RTCP packet (told apart by
 * the RFC 5761 payload-type rule) and has room for *len +
 * JA_SRTP_MAX_TRAILER. On success *len is the protected length. */
gboolean ja_srtp_protect (JaSrtp *srtp, guint8 *buf, gsize *len, GError **error);
/* In place; on failure the packet is to be dropped (counted in stats). */
gboolean ja_srtp_unprotect (JaSrtp *srtp, guint8 *buf, gsize *len, GError **error);

void ja_srtp_get_stats (JaSrtp *srtp, JaSrtpStats *stats);

/* TRUE when byte 1 of a muxed packet says RTCP (RFC 5761 §4: PT 64–95). */
gboolean ja_srtp_packet_is_rtcp (const guint8 *buf, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaSrtp, ja_srtp_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaSrtpKeys, ja_srtp_keys_free)

G_END_DECLS
