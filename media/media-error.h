/* media-error.h — the JA_MEDIA_ERROR domain (STYLE.md §3.3): failures of the
 * media engines (ICE, DTLS, SRTP, GStreamer), converted from each library's
 * own error in one helper per library. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define JA_MEDIA_ERROR (ja_media_error_quark ())
GQuark ja_media_error_quark (void);

typedef enum {
  JA_MEDIA_ERROR_FAILED,        /* anything else */
  JA_MEDIA_ERROR_ICE,           /* gathering or connectivity failed/lost */
  JA_MEDIA_ERROR_DTLS,          /* handshake failed, timed out, no SRTP profile */
  JA_MEDIA_ERROR_FINGERPRINT,   /* the peer's certificate is not the signalled one */
  JA_MEDIA_ERROR_SRTP,          /* libsrtp2 refused keys or a packet */
  JA_MEDIA_ERROR_CODEC,         /* no usable codec / element missing */
  JA_MEDIA_ERROR_PIPELINE,      /* GStreamer error (source, sink, device) */
  JA_MEDIA_ERROR_NO_DEVICE,     /* device:NAME names no device present now */
} JaMediaError;

G_END_DECLS
