/* f32gemm 8x8, portable C (twin of 8x8-aarch64-neon.c). */
#define F32GEMM_MR 8
#define F32GEMM_NR 8
#define F32GEMM_NAME q8rt_f32gemm_ukernel_8x8__scalar
#include "scalar-template.h"
