/* test-video-keyframe.c — keyframe starts on hand-made RTP payloads: VP8
 * (RFC 7741 §4.2 descriptors with and without the extensions) and H.264
 * (RFC 6184: single IDR NAL, STAP-A with an IDR, FU-A start / middle
 * fragments), and truncated or hostile payloads. */
#include "media/video-keyframe.h"

#define KEY(codec, ...)                                                        \
  ({                                                                           \
    static const guint8 p_[] = { __VA_ARGS__ };                                \
    ja_video_payload_starts_keyframe (codec, p_, sizeof p_);                   \
  })

static void
test_vp8 (void)
{
  /* S=1 PID=0, no X: the payload header follows; P=0 → key. */
  g_assert_true (KEY (JA_VIDEO_VP8, 0x10, 0x50, 0x2f, 0x00));
  g_assert_false (KEY (JA_VIDEO_VP8, 0x10, 0x51, 0x2f, 0x00)); /* P=1 */
  /* S=0: a continuation, whatever the byte. */
  g_assert_false (KEY (JA_VIDEO_VP8, 0x00, 0x50));
  /* PID=1: another partition. */
  g_assert_false (KEY (JA_VIDEO_VP8, 0x11, 0x50));
  /* X, I with a 15-bit picture id (M set), then the header. */
  g_assert_true (KEY (JA_VIDEO_VP8, 0x90, 0x80, 0x81, 0x23, 0x50));
  g_assert_false (KEY (JA_VIDEO_VP8, 0x90, 0x80, 0x81, 0x23, 0x51));
  /* X, I 7-bit, L, T: id, TL0PICIDX, TID byte, header. */
  g_assert_true (KEY (JA_VIDEO_VP8, 0x90, 0xe0, 0x05, 0x07, 0x40, 0x10));
  g_assert_false (KEY (JA_VIDEO_VP8, 0x90, 0xe0, 0x05, 0x07, 0x40, 0x11));
  /* Truncated before the payload header. */
  g_assert_false (KEY (JA_VIDEO_VP8, 0x90, 0x80, 0x81, 0x23));
  g_assert_false (KEY (JA_VIDEO_VP8, 0x90, 0x80, 0x81));
  g_assert_false (KEY (JA_VIDEO_VP8, 0x90));
  g_assert_false (KEY (JA_VIDEO_VP8, 0x10));
  g_assert_false (ja_video_payload_starts_keyframe (JA_VIDEO_VP8, NULL, 0));
}

static void
test_h264 (void)
{
  /* Single NAL units: IDR (type 5, nal_ref_idc 3), non-IDR (1), SPS (7). */
  g_assert_true (KEY (JA_VIDEO_H264, 0x65, 0x88, 0x84));
  g_assert_false (KEY (JA_VIDEO_H264, 0x41, 0x9a));
  g_assert_false (KEY (JA_VIDEO_H264, 0x67, 0x42, 0xe0, 0x1f));
  /* STAP-A (24): SPS, PPS, IDR. */
  g_assert_true (KEY (JA_VIDEO_H264, 0x78, 0x00, 0x04, 0x67, 0x42, 0xe0, 0x1f,
                      0x00, 0x02, 0x68, 0xce, 0x00, 0x02, 0x65, 0x88));
  /* STAP-A of SPS and PPS only: the IDR comes in the next packet. */
  g_assert_false (KEY (JA_VIDEO_H264, 0x78, 0x00, 0x04, 0x67, 0x42, 0xe0,
                       0x1f, 0x00, 0x02, 0x68, 0xce));
  /* STAP-A whose size runs past the end, or is 0. */
  g_assert_false (KEY (JA_VIDEO_H264, 0x78, 0x00, 0x09, 0x67, 0x42, 0x65));
  g_assert_false (KEY (JA_VIDEO_H264, 0x78, 0x00, 0x00, 0x65, 0x88));
  g_assert_false (KEY (JA_VIDEO_H264, 0x78, 0x00));
  /* FU-A (28): start of an IDR, middle and end of one, start of a P. */
  g_assert_true (KEY (JA_VIDEO_H264, 0x7c, 0x85, 0x88, 0x84));
  g_assert_false (KEY (JA_VIDEO_H264, 0x7c, 0x05, 0x12));
  g_assert_false (KEY (JA_VIDEO_H264, 0x7c, 0x45, 0x12));
  g_assert_false (KEY (JA_VIDEO_H264, 0x5c, 0x81, 0x9a));
  g_assert_false (KEY (JA_VIDEO_H264, 0x7c));
  g_assert_false (ja_video_payload_starts_keyframe (JA_VIDEO_H264, NULL, 0));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/media/video-keyframe/vp8", test_vp8);
  g_test_add_func ("/media/video-keyframe/h264", test_h264);
  return g_test_run ();
}
