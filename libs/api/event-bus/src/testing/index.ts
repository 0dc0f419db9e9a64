export { describeEventBusConformance, type ConformanceHarness } from './conformance';
