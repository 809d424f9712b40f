/**
 * The prices tsorm estimates costs with: the one place to edit when Alibaba Cloud changes a price.
 *
 * Read on 2026-12-05 (USD, pay-as-you-go, international site). Sources:
 * - FC free monthly quota: "the first one million requests each month are free" and "the first 400,000 GB-s
 *   of resources used by instances each month are free"; requests USD 0.2 per 1,000,000
 *   (https://www.alibabacloud.com/help/doc-detail/54301.htm, Function Compute billing overview).
 * - FC since 2024-08-27 bills "CU usage": tier 1 (up to 100 million CU a month) USD 0.000020 per CU;
 *   conversion factors 75 CU per 10,000 invocations, 0.15 CU per GB-second of memory, 1 CU per active
 *   vCPU-second (https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/product-overview/pay-as-you-go-billing-method-1).
 * - TableStore additional (pay-per-use) read throughput, high-performance instance: USD 0.0030 per 10,000 CU
 *   (https://www.alibabacloud.com/help/en/tablestore/latest/billing-examples; the page notes prices as
 *   published on 2018-08-01).
 * - TableStore write CU: NOT FOUND in the sources available when this file was written; the read price is
 *   used for writes too, and every estimate says so (`assumptions`). Replace it with the published price.
 */
export const TARIFFS = Object.freeze({
  date: '2026-12-05',
  currency: 'USD',
  fc: {
    freeCallsPerMonth: 1_000_000,
    freeGbSecondsPerMonth: 400_000,
    /** USD per CU (tier 1). */
    cuPrice: 0.00002,
    cuPerCall: 75 / 10_000,
    cuPerGbSecond: 0.15,
    cuPerVcpuSecond: 1,
  },
  tablestore: {
    /** USD per read CU (pay-per-use, high-performance instance). */
    readCuPrice: 0.003 / 10_000,
    /** USD per write CU: not found, the read price stands in (see the module comment). */
    writeCuPrice: 0.003 / 10_000,
    writeCuPriceFound: false,
  },
  sources: [
    'https://www.alibabacloud.com/help/doc-detail/54301.htm',
    'https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/product-overview/pay-as-you-go-billing-method-1',
    'https://www.alibabacloud.com/help/en/tablestore/latest/billing-examples',
  ],
});
