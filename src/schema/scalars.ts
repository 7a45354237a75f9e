import { DateTimeResolver, EmailAddressResolver, JSONResolver, TimeZoneResolver } from 'graphql-scalars';
import { builder } from './builder.js';

builder.addScalarType('DateTime', DateTimeResolver, {});
builder.addScalarType('EmailAddress', EmailAddressResolver, {});
builder.addScalarType('TimeZone', TimeZoneResolver, {});
builder.addScalarType('JSON', JSONResolver, {});
