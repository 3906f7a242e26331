/* ft-error.c — the JA_TRANSFER_ERROR quark (see ft-error.h). */

#include "plugins/file-transfer/ft-error.h"

G_DEFINE_QUARK (ja-transfer-error-quark, ja_transfer_error)
