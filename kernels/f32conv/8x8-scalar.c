/* f32conv 8x8, portable C (twin of 8x8-aarch64-neon.c). */
#define F32CONV_MR 8
#define F32CONV_NR 8
#define F32CONV_NAME q8rt_f32conv_ukernel_8x8__scalar
#include "scalar-template.h"
