/* media-error.c — the JA_MEDIA_ERROR quark. */
#include "media/media-error.h"

G_DEFINE_QUARK (ja-media-error-quark, ja_media_error)
