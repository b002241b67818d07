/* f32gemm 1x32, portable C (scalar twin of the AVX-512 kernel). */
#define F32GEMM_MR 1
#define F32GEMM_NR 32
#define F32GEMM_NAME q8rt_f32gemm_ukernel_1x32__scalar
#include "scalar-template.h"
