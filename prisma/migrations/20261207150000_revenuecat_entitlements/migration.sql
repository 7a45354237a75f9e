-- RevenueCat: the entitlement ids of the purchase that set the tier, and a lifetime purchase's product.
ALTER TABLE "User" ADD COLUMN "entitlementIds" TEXT[] DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "User" ADD COLUMN "lifetimeProductId" TEXT;
