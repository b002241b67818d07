/* f32gemm 1x16, portable C (scalar twin of the AVX2/FMA kernel). */
#define F32GEMM_MR 1
#define F32GEMM_NR 16
#define F32GEMM_NAME q8rt_f32gemm_ukernel_1x16__scalar
#include "scalar-template.h"
